/// The version Rounds reports (User-Agent, `rounds version`, exports).
public enum RoundsVersion {
    public static let string = "0.1.0"
}
