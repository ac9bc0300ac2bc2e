/// Field paths as the rules write them (`scores.key_tasks`, `awards[0].points`) and as a request
/// names them.
public enum FieldPath {
    /// The JSON pointer (RFC 6901) of a rules field path: `awards[0].points` → `/awards/0/points`.
    public static func pointer(_ field: String) -> String {
        var out = ""
        var segment = ""
        func flush() {
            if !segment.isEmpty { out += "/" + segment }
            segment = ""
        }
        for character in field {
            switch character {
            case ".", "[", "]": flush()
            default: segment.append(character)
            }
        }
        flush()
        return out.isEmpty ? "/" : out
    }
}
