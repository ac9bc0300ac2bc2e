/// kaohe's version, printed by `kaohe version` and `kaohed --version`.
public enum KaoheVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
