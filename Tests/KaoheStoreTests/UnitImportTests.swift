import Foundation
import KaoheRules
import KaoheStore
import KaoheTestSupport
import Logging
import Postgres
import Spreadsheets
import Synchronization
import Testing

/// Valid unified social credit codes for tests: `12` + division + serial, with the GB 32100 check symbol.
enum TestCodes {
    static func code(_ serial: Int, division: CountyCode = "990101") -> String {
        UnifiedSocialCreditCode.publicInstitution(division: division, serial: serial).rawValue
    }

    /// The same code with a wrong check symbol.
    static func badChecksum(_ serial: Int) -> String {
        let good = code(serial)
        let wrong = good.last == "0" ? "1" : "0"
        return String(good.dropLast()) + wrong
    }
}

@Suite("Unit register import")
struct UnitImportTests {
    let logger = TestCluster.logger("test.import")
    static let header = "统一社会信用代码,单位名称,专业考核委员会,主管部门,在编人数\n"

    func enrolledClient(_ label: String = #function) async throws -> PostgresClient {
        let client = PostgresClient(configuration: try await TestCluster.freshDatabase(label), logger: logger)
        try await MigrationRunner(client: client, migrations: try MigrationCatalog.bundled(), logger: logger).apply()
        try await RegistryStore(client: client).enrol(
            county: County(code: "990101", name: "示例县"),
            committees: [
                Committee(county: "990101", id: "education", name: "教育专业考核委员会"),
                Committee(county: "990101", id: "health", name: "卫生健康专业考核委员会"),
            ],
            departments: [
                Department(county: "990101", id: "edu-bureau", name: "县教育局"),
                Department(county: "990101", id: "health-bureau", name: "县卫生健康局"),
            ],
            units: []
        )
        return client
    }

    func rows(_ range: ClosedRange<Int>) -> String {
        range.map { "\(TestCodes.code($0)),示例县第\($0)中学,education,edu-bureau,\($0 % 90)\n" }.joined()
    }

    func importError(_ body: () async throws -> UnitImportSummary) async -> UnitImportError? {
        do {
            _ = try await body()
            Issue.record("the import was accepted")
            return nil
        } catch let error as UnitImportError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("a valid file is stored in one go, with one audit entry holding the counts and the file's SHA-256")
    func importsAndAudits() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let csv = Array((Self.header + rows(1...10)).utf8)
        let summary = try await store.importUnits(county: "990101", csv: csv, actor: "990101/clerk", source: "units.csv")
        #expect(summary.rows == 10)
        #expect(summary.inserted == 10)
        #expect(summary.updated == 0)
        #expect(summary.fileSHA256.count == 64)
        let units = try await store.units(county: "990101")
        #expect(units.count == 10)
        #expect(units.first { $0.code.rawValue == TestCodes.code(3) }?.name == "示例县第3中学")
        #expect(units.first { $0.code.rawValue == TestCodes.code(3) }?.headcount == 3)

        let audit = try await client.query(
            "SELECT seq, actor, action, details->>'rows' AS rows, details->>'sha256' AS sha FROM audit_log WHERE county = '990101' ORDER BY seq DESC LIMIT 1"
        )
        #expect(try audit[0].decode(Int64.self, column: "seq") == summary.auditSeq)
        #expect(try audit[0].decode(String.self, column: "action") == "unit.import")
        #expect(try audit[0].decode(String.self, column: "actor") == "990101/clerk")
        #expect(try audit[0].decode(String.self, column: "rows") == "10")
        #expect(try audit[0].decode(String.self, column: "sha") == summary.fileSHA256)
        #expect(try await AuditChain.verify(client: client, county: "990101") == .intact(entries: 2))
        await client.close()
    }

    @Test("a bad checksum on line 7 names line 7, the code column and position 18; the units table is unchanged")
    func badChecksumOnLine7() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        _ = try await store.importUnits(county: "990101", csv: Array((Self.header + rows(1...3)).utf8), actor: "t")
        let before = try await store.units(county: "990101")
        let auditBefore = try await client.query("SELECT count(*) FROM audit_log").single(Int.self)

        // Header on line 1, rows 2…6 fine, line 7 has a bad check symbol, lines 8… fine (and new).
        var lines = (10...14).map { "\(TestCodes.code($0)),新单位\($0),education,edu-bureau,5" }
        lines.append("\(TestCodes.badChecksum(15)),坏代码单位,health,health-bureau,7")
        lines += (16...20).map { "\(TestCodes.code($0)),新单位\($0),health,health-bureau,5" }
        let csv = Array((Self.header + lines.joined(separator: "\n") + "\n").utf8)

        let error = await importError { try await store.importUnits(county: "990101", csv: csv, actor: "t") }
        #expect(error?.issues.count == 1)
        let issue = try #require(error?.issues.first)
        #expect(issue.line == 7)
        #expect(issue.column == 1)
        #expect(issue.columnName == "统一社会信用代码")
        #expect(issue.rule == "uscc.checksum")
        #expect(issue.message.contains("第18位"))
        #expect(issue.description.contains("第7行第1列"))

        #expect(try await store.units(county: "990101") == before)
        #expect(try await client.query("SELECT count(*) FROM audit_log").single(Int.self) == auditBefore)
        await client.close()
    }

    @Test("every bad row is reported with its line, column and rule, and nothing is stored")
    func collectsAllIssues() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let csv =
            Self.header
            + [
                "\(TestCodes.code(1)),好单位,education,edu-bureau,10",  // 2
                "\(TestCodes.code(2)),未知委员会,nosuch,edu-bureau,10",  // 3
                "\(TestCodes.code(3)),未知部门,education,nosuch,10",  // 4
                "\(TestCodes.code(4)),人数不对,education,edu-bureau,-1",  // 5
                "\(TestCodes.code(5)),人数不对,education,edu-bureau,8.5",  // 6
                "\(TestCodes.code(1)),重复代码,education,edu-bureau,10",  // 7
                "12990101ABC,太短,education,edu-bureau,10",  // 8
                "\(TestCodes.code(6).prefix(17))I,非法字符,education,edu-bureau,1",  // 9
                "\(TestCodes.code(7)),,education,edu-bureau,1",  // 10
            ].joined(separator: "\n")
        let error = try #require(await importError { try await store.importUnits(county: "990101", csv: Array(csv.utf8), actor: "t") })
        let found = error.issues.map { "\($0.line):\($0.column):\($0.rule)" }
        #expect(
            found == [
                "3:3:unit.committee", "4:4:unit.department", "5:5:unit.headcount", "6:5:unit.headcount",
                "7:1:unit.duplicate", "8:1:uscc.length", "9:1:uscc.character", "10:2:unit.name",
            ]
        )
        #expect(error.issues.first { $0.rule == "unit.duplicate" }?.message.contains("第2行") == true)
        #expect(try await store.units(county: "990101").isEmpty)
        await client.close()
    }

    @Test("a CSV error (bad quoting) is reported with its line and column, and nothing is stored")
    func csvErrors() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let csv = Self.header + "\(TestCodes.code(1)),好单位,education,edu-bureau,10\n\(TestCodes.code(2)),坏\"引号,education,edu-bureau,1\n"
        let error = try #require(await importError { try await store.importUnits(county: "990101", csv: Array(csv.utf8), actor: "t") })
        #expect(error.issues.map { "\($0.line):\($0.column):\($0.rule)" } == ["3:2:csv.quote"])
        let missing = try #require(
            await importError {
                try await store.importUnits(county: "990101", csv: Array("code,name,committee\n1,2,3\n".utf8), actor: "t")
            }
        )
        #expect(Set(missing.issues.map(\.rule)) == ["import.header"])
        #expect(missing.issues.count == 2)
        #expect(try await store.units(county: "990101").isEmpty)
        await client.close()
    }

    @Test("an .xlsx register imports like its CSV; a code Excel stored as a number with its digits lost is refused at its cell")
    func workbooks() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        var sheet = Sheet(
            name: "单位名册",
            columns: [.identifier("统一社会信用代码"), "单位名称", "专业考核委员会", "主管部门", .number("在编人数")]
        )
        sheet.append([TestCodes.code(1), "示例县第1中学", "education", "edu-bureau", "12"])
        sheet.append(["LOST", "示例县第2中学", "education", "edu-bureau", "7"])
        let lost = try TestWorkbook.bytes(sheet, replacing: "LOST", with: #"<c r="A3"><v>1.29901014500002E+17</v></c>"#)
        let error = try #require(await importError { try await store.importUnits(county: "990101", csv: lost, actor: "t") })
        #expect(error.issues.map { "\($0.line):\($0.column):\($0.rule)" } == ["3:1:xlsx.number-precision"])
        #expect(try await store.units(county: "990101").isEmpty)

        var whole = Sheet(name: "单位名册", columns: sheet.columns)
        whole.append([TestCodes.code(1), "示例县第1中学", "education", "edu-bureau", "12"])
        whole.append([TestCodes.code(2), "示例县第2中学", "education", "edu-bureau", "7"])
        let summary = try await store.importUnits(county: "990101", csv: try XLSXWriter.workbook(whole), actor: "t", source: "单位名册.xlsx")
        #expect(summary.inserted == 2)
        #expect(try await store.units(county: "990101").map(\.code.rawValue) == [TestCodes.code(1), TestCodes.code(2)].sorted())
        await client.close()
    }

    @Test("a GB18030 file, as Excel on a Chinese Windows saves it, is imported with its Chinese names intact")
    func gb18030() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let text =
            Self.header.replacingOccurrences(of: "\n", with: "\r\n")
            + "\(TestCodes.code(1)),示例县第一中学,教育专业考核委员会,县教育局,80\r\n"
            + "\(TestCodes.code(2)),\"示例县人民医院,住院部\",health,health-bureau,300\r\n"
        let bytes = try CSVTableTests.iconv(text, to: "GB18030")
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let summary = try await store.importUnits(county: "990101", csv: bytes, actor: "t")
        #expect(summary.inserted == 2)
        let units = try await store.units(county: "990101")
        #expect(units.map(\.name).sorted() == ["示例县人民医院,住院部", "示例县第一中学"])
        #expect(units.first { $0.code.rawValue == TestCodes.code(1) }?.committee == "education")
        await client.close()
    }

    @Test("English headers in any order, a UTF-8 BOM, extra columns ignored")
    func englishHeaders() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let csv =
            [0xEF, 0xBB, 0xBF]
            + Array(
                "No.,Headcount,Name,Code,Department,Committee,Remarks\r\n1,12,Clinic,\(TestCodes.code(9).lowercased()),health-bureau,health,x\r\n"
                    .utf8
            )
        let summary = try await store.importUnits(county: "990101", csv: csv, actor: "t")
        #expect(summary.inserted == 1)
        #expect(try await store.unit(county: "990101", code: UnitCode(TestCodes.code(9)))?.headcount == 12)
        await client.close()
    }

    @Test("re-importing updates name, committee, department and headcount; units not in the file stay")
    func reimportUpdates() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        _ = try await store.importUnits(county: "990101", csv: Array((Self.header + rows(1...4)).utf8), actor: "t")
        let csv =
            Self.header
            + "\(TestCodes.code(1)),改名后的学校,health,health-bureau,99\n"
            + "\(TestCodes.code(2)),示例县第2中学,education,edu-bureau,2\n"
            + "\(TestCodes.code(5)),新增单位,education,edu-bureau,5\n"
        let summary = try await store.importUnits(county: "990101", csv: Array(csv.utf8), actor: "t")
        #expect(summary.rows == 3)
        #expect(summary.inserted == 1)
        #expect(summary.updated == 1)
        #expect(summary.unchanged == 1)
        let updated = try #require(try await store.unit(county: "990101", code: UnitCode(TestCodes.code(1))))
        #expect(
            updated
                == UnitRecord(
                    county: "990101",
                    code: UnitCode(TestCodes.code(1)),
                    name: "改名后的学校",
                    committee: "health",
                    department: "health-bureau",
                    headcount: 99
                )
        )
        #expect(try await store.units(county: "990101").count == 5)
        await client.close()
    }

    @Test("an unknown county is notFound")
    func unknownCounty() async throws {
        let client = try await enrolledClient()
        await #expect {
            try await RegistryStore(client: client).importUnits(county: "990199", csv: Array(Self.header.utf8), actor: "t")
        } throws: { error in
            (error as? StoreError)?.code == .notFound
        }
        await client.close()
    }

    @Test("20 000 rows are validated and written in one transaction, quickly")
    func largeFile() async throws {
        let client = try await enrolledClient()
        let store = RegistryStore(client: client)
        let csv = Array((Self.header + rows(1...20_000)).utf8)
        let phases = ProgressLog()
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try await store.importUnits(county: "990101", csv: csv, actor: "t") { phases.record($0) }
        let elapsed = clock.now - start
        print("imported 20 000 units in \(elapsed)")
        #expect(summary.inserted == 20_000)
        #expect(try await client.query("SELECT count(*) FROM units").single(Int.self) == 20_000)
        #expect(phases.phases == [.validating, .writing])
        #expect(elapsed < .seconds(60))
        await client.close()
    }
}

/// Collects the phases a progress callback saw, in order, without repeats.
final class ProgressLog: Sendable {
    private let seen = Mutex<[UnitImportProgress.Phase]>([])
    func record(_ progress: UnitImportProgress) {
        seen.withLock { if $0.last != progress.phase { $0.append(progress.phase) } }
    }
    var phases: [UnitImportProgress.Phase] { seen.withLock { $0 } }
}
