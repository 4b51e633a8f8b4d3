/// Display forms for the UCUM codes vital signs arrive in.
public enum Units {
    /// `37.2`, `-0.5`: one decimal, half to even as `%.1f` does, without Foundation's formatter
    /// (slow on Linux, and called for every row of a list).
    public static func oneDecimal(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e12 else { return String(v) }
        let tenths = Int((v * 10).rounded(.toNearestOrEven))
        let sign = tenths < 0 ? "-" : ""
        return sign + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
    }

    /// `Cel` → `°C`, `[degF]` → `°F`, `mm[Hg]` → `mmHg`; unknown units are shown as sent.
    public static func display(_ ucum: String?) -> String {
        guard let u = ucum else { return "" }
        switch u {
        case "Cel", "C", "degC": return "°C"
        case "[degF]", "degF", "F": return "°F"
        case "mm[Hg]", "mmHg": return "mmHg"
        case "/min", "{beats}/min", "beats/minute", "{breaths}/min", "breaths/min": return "/min"
        case "%", "%{HemoglobinSaturation}", "%{saturation}": return "%"
        case "kg", "kg/m2": return u
        case "[lb_av]", "lb", "lbs": return "lb"
        case "cm": return "cm"
        case "[in_i]", "in": return "in"
        case "L/min": return "L/min"
        default: return u
        }
    }

    /// Celsius from a temperature in the given unit; `nil` when the unit is not a temperature.
    public static func celsius(_ value: Double, unit: String?) -> Double? {
        switch display(unit) {
        case "°C": return value
        case "°F": return (value - 32) * 5 / 9
        case "": return plausibleCelsius(value)
        default: return nil
        }
    }

    /// A body temperature sent without a unit, judged by what a living patient's can be: 25–45 is
    /// °C, 77–113 is °F (98.6 is 37.0 °C); anything else (3.7, 370) is not read at all.
    public static func plausibleCelsius(_ value: Double) -> Double? {
        if (25...45).contains(value) { return value }
        if (77...113).contains(value) { return (value - 32) * 5 / 9 }
        return nil
    }

    /// Why a unit-less temperature was read as it was, for a warning next to the score.
    public static func unitlessTemperatureNote(_ value: Double) -> String {
        if (25...45).contains(value) { return "temperature \(VitalSign.number(value)) sent without a unit; read as °C" }
        if (77...113).contains(value) {
            return "temperature \(VitalSign.number(value)) sent without a unit; read as °F"
        }
        return "temperature \(VitalSign.number(value)) sent without a unit is not a body temperature; not scored"
    }
}
