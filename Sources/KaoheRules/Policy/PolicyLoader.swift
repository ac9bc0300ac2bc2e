public import Foundation

/// Loads the cycle policy and the roster policies (presets `tied-2023`, `shanxi-2013`,
/// `national-2023`) from the bundle or from JSON bytes, validated.
public enum PolicyLoader {
    /// The ids of the built-in roster policies.
    public static let rosterPolicyIds = ["tied-2023", "shanxi-2013", "national-2023"]

    /// The built-in cycle policy (`cycle-default.json`).
    public static func defaultCyclePolicy() throws(SchemeLoadError) -> CyclePolicy {
        let data: Data
        do { data = try BuiltInData.data(folder: "Policies", name: "cycle-default") } catch { throw .file(error) }
        return try cyclePolicy(from: data, name: "cycle-default.json")
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
