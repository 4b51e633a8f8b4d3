/// Display forms for the UCUM codes vital signs arrive in.
public enum Units {
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
        case "°C", "": return value
        case "°F": return (value - 32) * 5 / 9
        default: return nil
        }
    }
}
