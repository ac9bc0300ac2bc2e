import Foundation

/// The data files shipped in the module's bundle (`Resources/`): schemes, policies, calendars.
enum BuiltInData {
    /// The bytes of `Resources/<folder>/<name>.json`.
    static func data(folder: String, name: String) throws(DataFileError) -> Data {
        guard
            let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/\(folder)")
                ?? Bundle.module.url(forResource: name, withExtension: "json", subdirectory: folder)
        else {
            throw DataFileError(
                file: "\(folder)/\(name).json",
                field: "",
                rule: "not-found",
                message: "内置数据“\(name)”不存在 / no built-in data named \(name)"
            )
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DataFileError(
                file: "\(folder)/\(name).json",
                field: "",
                rule: "not-found",
                message: "无法读取内置数据 / cannot read: \(error)"
            )
        }
    }

}
