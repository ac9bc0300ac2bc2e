import Foundation
import KaoheRules
import KaoheStore
import Mustache
import Spreadsheets

/// A table of a dashboard page that is shown as HTML and downloads as CSV and .xlsx from the same
/// rows, so the file the office opens in Excel says exactly what the page says
/// (`data-table.mustache`).
struct DataTable: Sendable {
    /// Id within the page (`?table=` of the page's CSV route).
    var id: String
    /// Heading.
    var title: String
    /// File name of the download (Chinese allowed), without extension.
    var fileName: String
    /// Column names.
    var header: [String]
    /// Rows, each as many cells as `header`.
    var rows: [DataRow]
    /// The CSV link.
    var csvHref: String
    /// The .xlsx link.
    var xlsxHref: String
    /// Whether the page offers the downloads (not for a table that answers a POST, such as a
    /// preview: no GET serves it again).
    var downloadable: Bool
    /// Set for a table meant for paper (the 公示 list): its .xlsx has a title row and prints A4
    /// landscape with the header on every page.
    var printTitle: String?
    /// What the page says when there are no rows.
    var emptyText: String
    /// Whether there are rows (for the template).
    var hasRows: Bool
    /// Number of rows (all of them, also when a page shows fewer).
    var count: Int
    /// Set when the page shows one page of the rows (`showPage`).
    var pager: TablePager?

    /// A table whose downloads are `downloadBase.csv?table=id` and `downloadBase.xlsx?table=id`;
    /// with no `downloadBase`, a table without downloads.
    init(
        id: String,
        title: String,
        fileName: String,
        header: [String],
        rows: [DataRow],
        downloadBase: String?,
        emptyText: String = "暂无数据。",
        printTitle: String? = nil
    ) {
        self.id = id
        self.title = title
        self.fileName = fileName
        self.header = header
        self.rows = rows
        self.csvHref = (downloadBase ?? "") + ".csv?table=" + id
        self.xlsxHref = (downloadBase ?? "") + ".xlsx?table=" + id
        self.downloadable = downloadBase != nil
        self.printTitle = printTitle
        self.emptyText = emptyText
        self.hasRows = !rows.isEmpty
        self.count = rows.count
    }

    /// Shows the `requested` page of the rows (`TablePager.size` a page) on the page at `path`, its
    /// links `path?page=N#id`; the table keeps its `count`. Only a page's view calls this: the
    /// downloads build the view afresh and hold every row.
    mutating func showPage(_ requested: Int?, path: String) {
        let id = id
        guard let pager = TablePager(total: rows.count, requested: requested, href: { "\(path)?page=\($0)#\(id)" }) else { return }
        rows = Array(rows[pager.range])
        self.pager = pager
    }

    /// The table as a sheet: a column of figures (`DataCell.number`) is a column of numbers, a
    /// column of codes (`.code`) one of identifiers, a column of times (`.time`) one of times; the
    /// cells are the page's text, a time's in the form spreadsheets read as a time.
    var sheet: Sheet {
        let columns = header.indices.map { index in
            let kinds = Set(
                rows.compactMap { row in index < row.cells.count && !row.cells[index].text.isEmpty ? row.cells[index].kind : "" }
            )
            let kind: SheetColumn.Kind =
                switch kinds.count == 1 ? kinds.first : nil {
                case "num": .number
                case "code": .identifier
                case "time": .dateTime
                default: .text
                }
            return SheetColumn(header[index], kind)
        }
        var sheet = Sheet(name: title, columns: columns, printLayout: printTitle.map(PrintLayout.init(title:)))
        for row in rows { sheet.append(row.cells.map { $0.exportText ?? $0.text }) }
        return sheet
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
    /// `num`, `code`, `time`, or nil.
    var kind: String?
    /// What the downloads hold where it differs from the page's text (a time as `2026-12-06 10:30`).
    var exportText: String?
    /// A tooltip: the stored id behind a Chinese name (an audit action's `filing.roster`). (Not
    /// `title`: a cell without one would show the table's title, which the template finds in the
    /// enclosing section.)
    var cellTitle: String?

    init(_ text: String, href: String? = nil, kind: String? = nil, exportText: String? = nil, title: String? = nil) {
        self.text = text
        self.href = href
        self.kind = kind
        self.exportText = exportText
        self.cellTitle = title
    }

    init(stringLiteral value: String) { self.init(value) }

    /// A right-aligned figure.
    static func number(_ value: some CustomStringConvertible) -> DataCell { DataCell(value.description, kind: "num") }
    /// A unit code or a hash, monospace.
    static func code(_ value: String, href: String? = nil) -> DataCell { DataCell(value, href: href, kind: "code") }
    /// A unit's code.
    static func code(_ unit: UnitCode, href: String? = nil) -> DataCell { code(unit.rawValue, href: href) }
    /// A time: `2026年12月6日 10:30` on the page, a time in the downloads.
    static func time(_ instant: Date) -> DataCell {
        DataCell(ChineseTime.dateTime(instant), kind: "time", exportText: ChineseTime.spreadsheetText(instant))
    }
}

// A table of 500 rows looks up five names in each of its cells. swift-mustache reads a name through
// Mirror, and takes a nil value for a missing name, which it then looks up again in every enclosing
// section up to the page's view: a handful of Mirrors a name (most of a long table page's time), and
// the risk of showing an enclosing section's value in a cell. These answer the names directly, and
// an absent value with `false`: its section is skipped, its inverted section shown, nothing above is
// asked.
extension DataCell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "href": href ?? false
        case "kind": kind ?? false
        case "cellTitle": cellTitle ?? false
        case "exportText": exportText ?? false
        default: nil
        }
    }
}

// The table answers its names directly too: an absent pager is `false`, not looked up in the
// enclosing sections (a page's own `pager`, say).
extension DataTable: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "title": title
        case "header": header
        case "rows": rows
        case "csvHref": csvHref
        case "xlsxHref": xlsxHref
        case "downloadable": downloadable
        case "emptyText": emptyText
        case "hasRows": hasRows
        case "count": count
        case "pager": pager ?? false
        case "fileName": fileName
        case "printTitle": printTitle ?? false
        default: nil
        }
    }
}

extension DataRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "cells": cells
        case "rowClass": rowClass ?? false
        default: nil
        }
    }
}
