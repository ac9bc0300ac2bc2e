import ArgumentParser
import Foundation
import KaoheRules

/// Standard input/output for the `kaohe rules` commands: the logic lives in KaoheRules' DryRun.
enum RulesIO {
    /// All of standard input.
    static func readStandardInput() -> Data {
        FileHandle.standardInput.readDataToEndOfFile()
    }

    /// Writes JSON and a newline to standard output.
    static func write(_ data: Data) {
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Prints every issue to standard error and exits with code 2.
    static func fail(_ error: DryRunError) -> ExitCode {
        let text = "kaohe rules: 输入有误 / invalid input\n" + error.lines.map { "  \($0)" }.joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
        return ExitCode(2)
    }

    /// Reads a file named on the command line, or fails with exit code 2.
    static func readFile(_ path: String, option: String) throws(ExitCode) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(DryRunError(field: option, rule: "file-not-found", message: "无法读取文件“\(path)” / cannot read \(path)"))
        }
        return data
    }
}
