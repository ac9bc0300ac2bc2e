public import Foundation

/// How the office changes a cycle's policy: switch to a preset, give the whole policy, or change
/// some numbers of the policy in force with a JSON merge patch (RFC 7396:
/// `{"grading": {"excellentMaxPercent": 25}}`; `null` removes an optional part).
public enum PolicyChange: Sendable, Hashable {
    /// A built-in preset, whole (its roster policy included).
    case preset(String)
    /// A whole policy.
    case whole(CyclePolicy)
    /// A JSON merge patch on the policy in force.
    case changes(Data)

    /// The policy this change makes of `current`. An unknown preset or a patch that leaves no
    /// readable policy is refused naming the field (`DataFileError`).
    public func applied(to current: CyclePolicy) throws(DataFileError) -> CyclePolicy {
        switch self {
        case .preset(let id):
            do { return try PolicyLoader.cyclePreset(id) } catch {
                switch error {
                case .file(let file): throw file
                case .invalid(let invalid):
                    throw DataFileError(file: "preset", field: "preset", rule: "invalid", message: invalid.description)
                }
            }
        case .whole(let policy):
            return policy
        case .changes(let patch):
            let base: Any
            let change: Any
            do {
                base = try JSONSerialization.jsonObject(with: RulesJSON.encode(current))
                change = try JSONSerialization.jsonObject(with: patch, options: [.fragmentsAllowed])
            } catch {
                throw DataFileError(file: "changes", field: "changes", rule: "json-syntax", message: "修改内容不是JSON / not JSON: \(error)")
            }
            guard change is [String: Any] else {
                throw DataFileError(
                    file: "changes",
                    field: "changes",
                    rule: "json-object",
                    message: "修改内容应为JSON对象,如 {\"grading\": {\"excellentMaxPercent\": 25}} / a JSON object"
                )
            }
            let merged = Self.merge(base, change)
            let data: Data
            do { data = try JSONSerialization.data(withJSONObject: merged) } catch {
                throw DataFileError(file: "changes", field: "changes", rule: "json-syntax", message: "\(error)")
            }
            return try RulesJSON.decode(CyclePolicy.self, from: data, name: "changes")
        }
    }

    /// RFC 7396 MergePatch(target, patch).
    static func merge(_ target: Any, _ patch: Any) -> Any {
        guard let patch = patch as? [String: Any] else { return patch }
        var result = (target as? [String: Any]) ?? [:]
        for (key, value) in patch {
            if value is NSNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = merge(result[key] ?? NSNull(), value)
            }
        }
        return result
    }
}
