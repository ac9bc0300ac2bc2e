import Foundation
import KaoheRules
import KaoheStore
import Postgres

/// A step the office asks for that is already done is refused by the store (the same refusal as
/// the API); on the command line the refusal also says when it was done and by whom, read from the
/// county's history (`CountyHistoryStore`).
enum StepRefusal {
    /// Runs `body`; a CycleError that means "already done" gets the time and account appended.
    static func explained<T>(
        client: PostgresClient,
        cycle ref: CycleRef,
        command: String,
        _ body: () async throws -> T
    ) async throws -> T {
        let (county, cycle) = (ref.county, ref.cycle)
        do {
            return try await body()
        } catch var error as CycleError {
            guard let rule = error.rule,
                let entry = try? await CountyHistoryStore(client: client).history(county: county)?.cycles.first(where: { $0.cycle == cycle }
                )
            else {
                throw error
            }
            switch rule {
            case "grading.publicity-open", "publicity.already-open":
                if let at = entry.publicityOpenedAt {
                    error.message +=
                        " — 公示已于\(at)由\(entry.publicityOpenedBy ?? "?")开启(\(entry.publicityOpensOn ?? "")起,至\(entry.publicityClosesAt ?? "")) / publicity was opened at \(at) by \(entry.publicityOpenedBy ?? "?")"
                }
            case "cycle.results-final":
                if let at = entry.finalisedAt {
                    let by = entry.finalisedBy ?? "公示期满自动 the scheduled publicity.close run"
                    error.message += " — 已于\(at)由\(by)最终确定 / finalised at \(at) by \(by)"
                }
            default:
                break
            }
            throw error
        }
    }
}
