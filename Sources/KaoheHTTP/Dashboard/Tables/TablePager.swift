import Mustache

/// 分页: a long table on a page shows `size` rows at a time, with links to the other pages — so a
/// page's work and weight follow what it shows, not the county's size (issue 21: 2,000 units made
/// the units table almost 1 MB). A county of up to `size` units sees one page and no pager; the
/// downloads (CSV, .xlsx) always hold every row.
struct TablePager: Sendable {
    /// Rows a page.
    static let size = 500

    /// The page shown, from 1.
    var page: Int
    /// Pages in all.
    var pages: Int
    /// The rows shown, as indices into all of them.
    var range: Range<Int>
    /// `第 2 / 4 页(第 501–1000 行,共 2000 行)`.
    var summary: String
    /// Links to the first, previous, next and last pages (nil where there is none).
    var first, previous, next, last: String?

    /// The pager of `total` rows at the `requested` page (out of range or missing: the nearest page),
    /// each page's link made by `href`; nil when every row fits on one page.
    init?(total: Int, requested: Int?, href: (Int) -> String) {
        guard total > Self.size else { return nil }
        pages = (total + Self.size - 1) / Self.size
        page = min(max(requested ?? 1, 1), pages)
        range = (page - 1) * Self.size..<min(page * Self.size, total)
        summary = "第 \(page) / \(pages) 页(第 \(range.lowerBound + 1)–\(range.upperBound) 行,共 \(total) 行)"
        first = page > 1 ? href(1) : nil
        previous = page > 1 ? href(page - 1) : nil
        next = page < pages ? href(page + 1) : nil
        last = page < pages ? href(pages) : nil
    }

    /// The page asked for in a query string's `page` value (nil when absent or not a number).
    static func requested(_ value: Substring?) -> Int? { value.flatMap { Int($0) } }
}

// A missing link answers `false`, so its section is skipped without the name being looked up in
// the enclosing sections (see `DataCell`).
extension TablePager: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "summary": summary
        case "first": first ?? false
        case "previous": previous ?? false
        case "next": next ?? false
        case "last": last ?? false
        default: nil
        }
    }
}
