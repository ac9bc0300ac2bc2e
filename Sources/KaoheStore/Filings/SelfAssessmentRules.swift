import KaoheRules

/// A PDF a unit attaches to its self-assessment: the name it chose and the file's bytes.
public struct AttachmentUpload: Sendable {
    /// `述职报告.pdf`.
    public var name: String
    /// The file.
    public var bytes: [UInt8]

    /// An upload.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// The rules of a self-assessment's content, whichever door it comes through (the API's JSON and
/// PDF routes, the unit page's form): a report of 1–200,000 characters; attachments that are PDF
/// files of at most 20 MiB with a name a clerk can trust, at most 20 in all. Each refusal names its
/// rule and the field (`/report`, `name`, `body`).
public enum SelfAssessmentRules {
    /// The longest report, in characters.
    public static let maxReportCharacters = 200_000
    /// The largest attachment.
    public static let maxAttachmentBytes = 20 * 1024 * 1024
    /// The most attachments one self-assessment may carry.
    public static let maxAttachments = 20

    /// Checks what one filing brings: the report when given, each attachment.
    public static func check(report: String?, attachments: [AttachmentUpload]) throws(CycleError) {
        if report == nil && attachments.isEmpty {
            throw CycleError(.invalid, "请填写自评报告或选择附件 / nothing to file", field: "/report", rule: "self-assessment.report-required")
        }
        if let report {
            guard !report.trimmingBlanksAndNewlines().isEmpty else {
                throw CycleError(.invalid, "自评报告不能为空 / the report is empty", field: "/report", rule: "self-assessment.report-required")
            }
            guard report.count <= maxReportCharacters else {
                throw CycleError(
                    .invalid,
                    "自评报告最多\(maxReportCharacters)字 / at most \(maxReportCharacters) characters",
                    field: "/report",
                    rule: "self-assessment.report-length"
                )
            }
        }
        for upload in attachments {
            try check(attachmentName: upload.name)
            guard upload.bytes.count <= maxAttachmentBytes else {
                throw CycleError(
                    .invalid,
                    "附件“\(upload.name)”超过20 MiB / the attachment is larger than 20 MiB",
                    field: "body",
                    rule: "attachment.too-large"
                )
            }
            guard upload.bytes.starts(with: Array("%PDF-".utf8)) else {
                throw CycleError(
                    .invalid,
                    "附件“\(upload.name)”不是 PDF 文件(应以 %PDF- 开头) / the body is not a PDF (it must start with %PDF-)",
                    field: "body",
                    rule: "attachment.pdf-magic"
                )
            }
        }
    }

    /// A name to store: 1–120 characters without `/`, `\`, control characters or direction marks
    /// (a right-to-left override, U+202E, would show `报告‮fdp.exe` to a clerk as `报告exe.pdf`), ending
    /// in `.pdf`.
    public static func check(attachmentName name: String) throws(CycleError) {
        guard isAcceptable(attachmentName: name) else {
            throw CycleError(
                .invalid,
                "附件名应为1–120个字符,不含 / \\ 、控制字符或方向控制符 / the name must be 1–120 characters without slashes, control or format characters",
                field: "name",
                rule: "attachment.name"
            )
        }
        guard name.lowercased().hasSuffix(".pdf"), name.unicodeScalars.count >= 5 else {
            throw CycleError(.invalid, "附件名应以 .pdf 结尾 / the name must end in .pdf", field: "name", rule: "attachment.pdf-name")
        }
    }

    /// Whether `name` could name an attachment at all (the `.pdf` ending aside): asked for by such a
    /// name, an attachment is simply not there.
    public static func isAcceptable(attachmentName name: String) -> Bool {
        (1...120).contains(name.unicodeScalars.count) && !name.contains("/") && !name.contains("\\") && name != "." && name != ".."
            && !name.unicodeScalars.contains(where: isRefusedInName)
    }

    /// The count after a filing.
    static func check(attachmentCount count: Int) throws(CycleError) {
        guard count <= maxAttachments else {
            throw CycleError(
                .invalid,
                "自评附件最多\(maxAttachments)个 / at most \(maxAttachments) attachments",
                field: "name",
                rule: "attachment.count"
            )
        }
    }

    /// A control character or a direction mark (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
    static func isRefusedInName(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
