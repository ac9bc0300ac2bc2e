public import ArgumentParser
public import KaoheRules

// `--county 990101`, `--cycle 2026`: read as the typed identifiers, checked where they are used
// (the stores refuse a malformed one with the rule and a Chinese message).
extension StringIdentifier where Self: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

extension CountyCode: ExpressibleByArgument {}
extension CycleID: ExpressibleByArgument {}
extension UnitCode: ExpressibleByArgument {}
