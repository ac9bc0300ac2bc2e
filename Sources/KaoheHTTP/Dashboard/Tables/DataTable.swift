import KaoheStore

/// A table of a dashboard page that is shown as HTML and downloads as CSV from the same rows, so
/// the file the office opens in Excel says exactly what the page says (`data-table.mustache`).
struct DataTable: Sendable {
    /// Id within the page (`?table=` of the page's CSV route).
    var id: String
    /// Heading.
    var title: String
    /// File name of the download (Chinese allowed), without `.csv`.
    var fileName: String
    /// Column names.
    var header: [String]
    /// Rows, each as many cells as `header`.
    var rows: [DataRow]
    /// The CSV link.
    var csvHref: String
    /// What the page says when there are no rows.
    var emptyText: String
    /// Whether there are rows (for the template).
    var hasRows: Bool
    /// Number of rows.
    var count: Int

    init(id: String, title: String, fileName: String, header: [String], rows: [DataRow], csvBase: String, emptyText: String = "暂无数据。") {
        self.id = id
        self.title = title
        self.fileName = fileName
        self.header = header
        self.rows = rows
        self.csvHref = csvBase + "?table=" + id
        self.emptyText = emptyText
        self.hasRows = !rows.isEmpty
        self.count = rows.count
    }

    /// The table as an Excel-ready CSV (UTF-8 with BOM).
    var csv: ExcelCSV {
        var document = ExcelCSV(header: header)
        for row in rows { document.append(row.cells.map(\.text)) }
        return document
    }
}

/// One row of a `DataTable`.
struct DataRow: Sendable {
    var cells: [DataCell]
    /// A CSS class for the row (`overridden`, `conflict`).
    var rowClass: String?

    init(_ cells: [DataCell], rowClass: String? = nil) {
        self.cells = cells
        self.rowClass = rowClass
    }
}

/// One cell: its text, an optional link, and how it is set (numbers right-aligned, codes monospace).
struct DataCell: Sendable, ExpressibleByStringLiteral {
    var text: String
    var href: String?
    /// `num`, `code`, or nil.
    var kind: String?

    init(_ text: String, href: String? = nil, kind: String? = nil) {
        self.text = text
        self.href = href
        self.kind = kind
    }

    init(stringLiteral value: String) { self.init(value) }

    /// A right-aligned figure.
    static func number(_ value: some CustomStringConvertible) -> DataCell { DataCell(value.description, kind: "num") }
    /// A unit code or a hash, monospace.
    static func code(_ value: String, href: String? = nil) -> DataCell { DataCell(value, href: href, kind: "code") }
}
