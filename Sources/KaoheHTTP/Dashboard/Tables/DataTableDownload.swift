import Hummingbird
import KaoheStore
import Spreadsheets

extension DataTable {
    /// The download, in `format`, of the table named by the request's `?table=` among `tables`
    /// (the first table when none is named); 404 for an unknown name.
    static func download(_ tables: [DataTable], request: Request, countyName: String, format: SheetFormat) throws -> Response {
        let wanted = request.uri.queryParameters["table"].map(String.init)
        guard let table = wanted.map({ id in tables.first { $0.id == id } }) ?? tables.first else {
            throw ProblemDetails.notFound("table \(wanted ?? "")")
        }
        return try table.sheet.download(format, named: "\(countyName)\(table.fileName)")
    }
}
