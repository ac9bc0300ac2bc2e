public import ArgumentParser
import Foundation
import KaoheDaemon
import KaoheRules
import KaoheStore
import Spreadsheets

/// `kaohe export …`: the office's exports as CSV (UTF-8 with BOM, CRLF: Excel opens them as they
/// are) or .xlsx (`--format xlsx`), byte for byte what `GET …/monitor.csv|xlsx` and
/// `GET …/history.csv|xlsx` serve.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the monitor (one row per unit) or the county's history (one row per cycle) as Excel CSV or .xlsx.",
        subcommands: [ExportMonitorCommand.self, ExportHistoryCommand.self]
    )

    /// Writes `sheet` in `format` to `output`, or else a file of the export's own name in the
    /// current directory when `output` is nil; `-` is standard output.
    static func write(_ sheet: Sheet, format: SheetFormat, fileName: String, output: String?) throws {
        let data = Data(try format.bytes(of: sheet))
        if output == "-" {
            FileHandle.standardOutput.write(data)
            return
        }
        let path = output ?? fileName + "." + format.fileExtension
        try data.write(to: URL(fileURLWithPath: path))
        FileHandle.standardError.write(Data("已导出 wrote \(path) (\(data.count) bytes)\n".utf8))
    }
}

/// `kaohe export monitor --county C --cycle Y [--output FILE]`.
struct ExportMonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "One row per enrolled unit: steps, score, spot check and override, grade, quota and its use, open violations, conflicts."
    )

    @OptionGroup var options: DaemonOptions
    @OptionGroup var target: CycleArguments
    @Option(help: "File to write (default: 县名-2026年度-监控.csv in the current directory; - for standard output).") var output: String?
    @Option(help: "csv (default) or xlsx.") var format: SheetFormat = .csv

    func run() async throws {
        let export = try await OfficeCommandContext.runStep(options, command: "export monitor") { client in
            try await MonitorStore(client: client).sheet(cycle: target.cycleRef)
        }
        guard let export else {
            throw OfficeCommandContext.failure(
                "export monitor",
                "县\(target.county)没有考核周期“\(target.cycle)” / no cycle \(target.cycle) in county \(target.county)"
            )
        }
        try ExportCommand.write(export.sheet, format: format, fileName: export.fileName, output: output)
    }
}

/// `kaohe export history --county C [--output FILE]`.
struct ExportHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "One row per cycle of the county: state, units, grade distribution, draw size, overrides, objections, appeals, dates."
    )

    @OptionGroup var options: DaemonOptions
    @Option(help: "County (6-digit division code).") var county: CountyCode
    @Option(help: "File to write (default: 县名-历年考核.csv in the current directory; - for standard output).") var output: String?
    @Option(help: "csv (default) or xlsx.") var format: SheetFormat = .csv

    func run() async throws {
        let history = try await OfficeCommandContext.runStep(options, command: "export history") { client in
            try await CountyHistoryStore(client: client).history(county: county)
        }
        guard let history else {
            throw OfficeCommandContext.failure("export history", "县\(county)不存在 / county \(county) does not exist")
        }
        let export = CountyHistoryStore.sheet(history)
        try ExportCommand.write(export.sheet, format: format, fileName: export.fileName, output: output)
    }
}

extension SheetFormat: ExpressibleByArgument {}
