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
    /// `--policy`: a cycle policy preset's id (`county-default`, …) or a policy JSON file (the shape
    /// `kaohe cycle policy show --json` prints), validated and within the documents' bounds.
    static func cyclePolicy(_ value: String) throws(ExitCode) -> CyclePolicy {
        let policy: CyclePolicy
        if PolicyLoader.cyclePresetIds.contains(value) {
            do { policy = try PolicyLoader.cyclePreset(value) } catch {
                throw fail(DryRunError(field: "--policy", rule: "policy", message: error.description))
            }
        } else {
            do { policy = try PolicyLoader.cyclePolicy(from: try readFile(value, option: "--policy"), name: value) } catch let error
                as ExitCode
            {
                throw error
            } catch {
                throw fail(DryRunError(field: "--policy", rule: "policy", message: "\(error)"))
            }
        }
        let bounds = PolicyBounds.issues(policy)
        guard bounds.isEmpty else { throw fail(DryRunError(issues: bounds)) }
        return policy
    }

    static func readFile(_ path: String, option: String) throws(ExitCode) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(DryRunError(field: option, rule: "file-not-found", message: "无法读取文件“\(path)” / cannot read \(path)"))
        }
        return data
    }
}
