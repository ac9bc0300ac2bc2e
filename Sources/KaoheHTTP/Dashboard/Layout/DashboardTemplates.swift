import Foundation
public import Mustache

/// The dashboard's mustache templates (`Dashboard/Templates/*.mustache`, bundled with KaoheHTTP) and
/// its stylesheet, read once at startup. A page renders its own template into `layout.mustache`.
public struct DashboardTemplates: Sendable {
    /// The parsed templates, by file name without `.mustache`.
    public let library: MustacheLibrary
    /// `Static/kaohe.css`, served at `/static/kaohe.css`.
    public let stylesheet: String

    /// Templates given directly (tests).
    public init(library: MustacheLibrary, stylesheet: String) {
        self.library = library
        self.stylesheet = stylesheet
    }

    /// The templates bundled with this build, parsed once per process. A template that does not parse
    /// stops the process at startup with the file and the parser's message.
    public static let bundled: DashboardTemplates = {
        do { return try load() } catch { fatalError("dashboard templates: \(error)") }
    }()

    static func load() throws -> DashboardTemplates {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let css = Bundle.module.url(forResource: "Static", withExtension: nil)?.appendingPathComponent("kaohe.css")
        else { throw CocoaError(.fileNoSuchFile) }
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        return DashboardTemplates(library: library, stylesheet: try String(contentsOf: css, encoding: .utf8))
    }

    /// Renders `object` with the template `name`; an unknown template is a programming error.
    func render(_ object: Any, template name: String) -> String {
        guard let text = library.render(object, withTemplate: name) else {
            preconditionFailure("no dashboard template named \(name)")
        }
        return text
    }
}
