import KaoheRules

/// The built-in roster policies and the default cycle policy, read and decoded once per process:
/// they are constant resources of KaoheRules, and loading one (a file read and a JSON decode)
/// cost more per roster filing than checking the roster. An unknown id still throws the
/// loader's own error.
enum BuiltInPolicies {
    static let rosterPolicies: [String: Result<RosterPolicy, SchemeLoadError>] = Dictionary(
        uniqueKeysWithValues: PolicyLoader.rosterPolicyIds.map { id in
            (id, Result { () throws(SchemeLoadError) -> RosterPolicy in try PolicyLoader.rosterPolicy(id) })
        }
    )

    static let cyclePolicy = Result { () throws(SchemeLoadError) -> CyclePolicy in try PolicyLoader.defaultCyclePolicy() }

    /// The roster policy `id` (`tied-2023`, …), as `PolicyLoader.rosterPolicy(id)` returns it.
    static func rosterPolicy(_ id: String) throws(SchemeLoadError) -> RosterPolicy {
        guard let loaded = rosterPolicies[id] else { return try PolicyLoader.rosterPolicy(id) }
        return try loaded.get()
    }

    /// The default cycle policy, as `PolicyLoader.defaultCyclePolicy()` returns it.
    static func defaultCyclePolicy() throws(SchemeLoadError) -> CyclePolicy {
        try cyclePolicy.get()
    }
}
