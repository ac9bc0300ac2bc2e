import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore
import Synchronization

/// `kaohe import …`: bulk imports from CSV files.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import registers from CSV files.",
        subcommands: [Units.self]
    )

    /// `kaohe import units --county C FILE.csv`.
    struct Units: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "units",
            abstract: "Import (or update) the county's units from a CSV file — all rows or none.",
            discussion: """
                Columns (Chinese or English headers, any order; other columns are ignored): \
                统一社会信用代码/code, 单位名称/name, 专业考核委员会/committee (id or full name), \
                主管部门/department (id or full name), 在编人数/headcount. UTF-8 (with or without BOM) or \
                GB18030, as Excel saves it. Every row is checked first; any error is reported with its line \
                and column and nothing is stored. A code already registered is updated.
                """
        )

        @OptionGroup var options: DaemonOptions

        @Option(help: "The county (6-digit division code).")
        var county: CountyCode

        @Argument(help: "The CSV file.")
        var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw OfficeCommandContext.failure("import units", "cannot read \(file)")
            }
            let bar = ProgressBar(enabled: isatty(STDOUT_FILENO) == 1)
            let outcome: Result<UnitImportSummary, UnitImportError> = try await OfficeCommandContext.run(options, command: "import units") {
                client,
                _ in
                do {
                    return .success(
                        try await RegistryStore(client: client).importUnits(
                            county: county,
                            csv: [UInt8](data),
                            actor: OfficeCommandContext.actor,
                            source: URL(fileURLWithPath: file).lastPathComponent
                        ) { bar.show($0) }
                    )
                } catch let error as UnitImportError {
                    return .failure(error)
                }
            }
            bar.finish()
            switch outcome {
            case .success(let summary):
                print(
                    "imported \(summary.rows) units into county \(summary.county): \(summary.inserted) new, \(summary.updated) updated, \(summary.unchanged) unchanged (sha256 \(summary.fileSHA256), audit entry \(summary.auditSeq))"
                )
            case .failure(let error):
                OfficeCommandContext.printError("kaohe import units: \(file) was rejected; nothing was stored (未保存任何数据):")
                OfficeCommandContext.printError(error.description)
                throw ExitCode.failure
            }
        }
    }
}

/// A one-line progress bar on stderr, redrawn when the percentage changes.
final class ProgressBar: Sendable {
    private let enabled: Bool
    private let last = Mutex<(phase: UnitImportProgress.Phase?, percent: Int)>((nil, -1))

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: UnitImportProgress) {
        guard enabled else { return }
        let percent = progress.total == 0 ? 100 : progress.done * 100 / progress.total
        let changed = last.withLock { last -> Bool in
            guard last.phase != progress.phase || last.percent != percent else { return false }
            last = (progress.phase, percent)
            return true
        }
        guard changed else { return }
        let width = 30
        let filled = percent * width / 100
        let label = progress.phase == .validating ? "校验 checking" : "写入 writing "
        let line =
            "\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(String(format: "%3d", percent))% \(progress.done)/\(progress.total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, last.withLock({ $0.phase != nil }) else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
