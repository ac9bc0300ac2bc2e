/// Everything built in, loaded and validated together: the daemon loads this at start so a bad
/// data file stops it with a clear message instead of failing mid-cycle.
public struct RulesLibrary: Sendable {
    /// Built-in schemes by id (`county-2021`, `municipal-2019`).
    public var schemes: [String: IndicatorScheme]
    /// The default cycle policy.
    public var cyclePolicy: CyclePolicy
    /// Built-in roster policies by id (`tied-2023`, `shanxi-2013`, `national-2023`).
    public var rosterPolicies: [String: RosterPolicy]
    /// The working-day calendar (2025, 2026).
    public var calendar: WorkingDayCalendar

    /// Creates a library from loaded parts.
    public init(
        schemes: [String: IndicatorScheme],
        cyclePolicy: CyclePolicy,
        rosterPolicies: [String: RosterPolicy],
        calendar: WorkingDayCalendar
    ) {
        self.schemes = schemes
        self.cyclePolicy = cyclePolicy
        self.rosterPolicies = rosterPolicies
        self.calendar = calendar
    }

    /// Loads and validates every built-in data file; also checks the cycle policy's defaults exist.
    public static func builtIn() throws(RulesLibraryError) -> RulesLibrary {
        do {
            var schemes: [String: IndicatorScheme] = [:]
            for id in SchemeLoader.builtInIds { schemes[id] = try SchemeLoader.builtIn(id) }
            var rosterPolicies: [String: RosterPolicy] = [:]
            for id in PolicyLoader.rosterPolicyIds { rosterPolicies[id] = try PolicyLoader.rosterPolicy(id) }
            let cyclePolicy = try PolicyLoader.defaultCyclePolicy()
            guard schemes[cyclePolicy.defaultScheme] != nil, rosterPolicies[cyclePolicy.defaultRosterPolicy] != nil else {
                throw RulesLibraryError(message: "周期政策的默认体系或名册政策不存在 / the cycle policy names an unknown default")
            }
            let calendar: WorkingDayCalendar
            do { calendar = try WorkingDayCalendar.builtIn() } catch {
                throw RulesLibraryError(message: error.description)
            }
            return RulesLibrary(schemes: schemes, cyclePolicy: cyclePolicy, rosterPolicies: rosterPolicies, calendar: calendar)
        } catch let error as RulesLibraryError {
            throw error
        } catch {
            throw RulesLibraryError(message: "\(error)")
        }
    }
}

/// A built-in data file failed to load or validate.
public struct RulesLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public var message: String

    /// The message.
    public var description: String { "内置考核规则数据有误 / built-in rules data invalid: \(message)" }
}
