public import Foundation

/// Loads the cycle policy presets (`county-default`, `municipal-2019`, `shanxi-2013`,
/// `national-2023`, `cadre-five-tier`) and the roster policies (`tied-2023`, `shanxi-2013`,
/// `national-2023`, `by-level-2014`, `five-tier-2023`) from the
/// bundle or from JSON bytes, validated.
public enum PolicyLoader {
    /// The ids of the built-in roster policies.
    public static let rosterPolicyIds = ["tied-2023", "shanxi-2013", "national-2023", "by-level-2014", "five-tier-2023"]

    /// The ids of the built-in cycle policy presets, the default first.
    public static let cyclePresetIds = ["county-default", "municipal-2019", "shanxi-2013", "national-2023", "cadre-five-tier"]

    /// The default cycle policy (`cycle-county-default.json`: 篇十/十一/十七).
    public static func defaultCyclePolicy() throws(SchemeLoadError) -> CyclePolicy {
        try cyclePreset("county-default")
    }

    /// A built-in cycle policy preset by id.
    public static func cyclePreset(_ id: String) throws(SchemeLoadError) -> CyclePolicy {
        guard cyclePresetIds.contains(id) else {
            throw .file(
                DataFileError(
                    file: "Policies/cycle-\(id).json",
                    field: "",
                    rule: "not-found",
                    message: "没有名为“\(id)”的考核政策预设(可选:\(cyclePresetIds.joined(separator: "、"))) / unknown policy preset"
                )
            )
        }
        let data: Data
        do { data = try BuiltInData.data(folder: "Policies", name: "cycle-\(id)") } catch { throw .file(error) }
        return try cyclePolicy(from: data, name: "cycle-\(id).json")
    }

    /// A cycle policy from JSON bytes.
    public static func cyclePolicy(from data: Data, name: String = "policy.json") throws(SchemeLoadError) -> CyclePolicy {
        let policy: CyclePolicy
        do { policy = try RulesJSON.decode(CyclePolicy.self, from: data, name: name) } catch { throw .file(error) }
        do { return try policy.validated() } catch { throw .invalid(error) }
    }

    /// A built-in roster policy by id.
    public static func rosterPolicy(_ id: String) throws(SchemeLoadError) -> RosterPolicy {
        guard rosterPolicyIds.contains(id) else {
            throw .file(
                DataFileError(
                    file: "Policies/roster-\(id).json",
                    field: "",
                    rule: "not-found",
                    message: "没有名为“\(id)”的名册政策(可选:\(rosterPolicyIds.joined(separator: "、"))) / unknown roster policy"
                )
            )
        }
        let data: Data
        do { data = try BuiltInData.data(folder: "Policies", name: "roster-\(id)") } catch { throw .file(error) }
        return try rosterPolicy(from: data, name: "roster-\(id).json")
    }

    /// A roster policy from JSON bytes (a custom preset with tier caps or floors).
    public static func rosterPolicy(from data: Data, name: String = "roster-policy.json") throws(SchemeLoadError) -> RosterPolicy {
        let policy: RosterPolicy
        do { policy = try RulesJSON.decode(RosterPolicy.self, from: data, name: name) } catch { throw .file(error) }
        do { return try policy.validated() } catch { throw .invalid(error) }
    }
}
