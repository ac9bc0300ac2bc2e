import KaoheRules

/// The shapes of registry identifiers and names, checked before SQL so a clerk reads which value is
/// wrong and why, rather than the name of a CHECK constraint. They mirror the CHECKs of
/// Schema/0001_registry.sql and 0002_access_and_audit.sql, which stay as the last line of defence.
enum RegistryRules {
    /// Committee and department ids: `^[a-z0-9][a-z0-9_-]{0,39}$`.
    static let sectorID = IDPattern(extra: "_-", maximum: 40, example: "education")
    /// Reviewer and account ids: `^[a-z0-9][a-z0-9_.-]{0,59}$`.
    static let personID = IDPattern(extra: "_.-", maximum: 60, example: "wang.li")

    struct IDPattern {
        var extra: String
        var maximum: Int
        var example: String
    }

    static func check(county: County) throws(StoreError) {
        try check(countyCode: county.code)
        try check(name: county.name, field: "name", maximum: 100)
    }

    static func check(countyCode: CountyCode) throws(StoreError) {
        guard countyCode.isWellFormed else {
            throw StoreError(
                .invalidValue,
                "行政区划代码须为6位数字 / the county code must be the 6-digit division code, got “\(countyCode)”",
                field: "county"
            )
        }
    }

    static func check(id: String, field: String, pattern: IDPattern) throws(StoreError) {
        let bytes = Array(id.utf8)
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                return true
            }
            return !first && pattern.extra.utf8.contains(byte)
        }
        guard !bytes.isEmpty, bytes.count <= pattern.maximum,
            bytes.enumerated().allSatisfy({ allowed($0.element, first: $0.offset == 0) })
        else {
            throw StoreError(
                .invalidValue,
                "\(field) id “\(id)” must be 1–\(pattern.maximum) characters of a–z, 0–9 and \(pattern.extra.map { "“\($0)”" }.joined(separator: " ")), starting with a letter or digit (e.g. \(pattern.example)) / 编号只能用小写字母、数字和\(pattern.extra)",
                field: field
            )
        }
    }

    static func check(name: String, field: String, maximum: Int) throws(StoreError) {
        let count = name.unicodeScalars.count
        guard count >= 1, count <= maximum, name.csvTrimmed() == name else {
            throw StoreError(
                .invalidValue,
                "名称须为1–\(maximum)个字符且首尾无空格 / \(field) must be 1–\(maximum) characters without leading or trailing spaces, got “\(name)”",
                field: field
            )
        }
    }
}
