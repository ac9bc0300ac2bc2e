import KaoheRules
import KaoheStore

/// How an audit entry reads on a page: the action by its Chinese name and the details as
/// `名称：值` in Chinese, so a clerk sees 报送考核名册 / 版本：3；行数：49 rather than
/// `filing.roster` / `lines=49; version=3`. The stored names stay what `kaohe audit verify` and the
/// exports use; the page shows them in the cell's tooltip.
enum AuditWording {
    /// The action's Chinese name; a name kaohe does not know (an older or newer entry) as it is.
    static func action(_ name: String) -> String {
        AuditAction.chineseName(of: name) ?? name
    }

    /// What the entry was done to, in words: `cycles/2026/units/{code}/roster` reads
    /// `2026年度 考核名册`, `cycles/2026/objections/7` reads `2026年度 第7号异议`. A path of another
    /// shape as it is.
    static func object(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "cycles" else { return path }
        let cycle = CycleID(parts[1])
        let prefix = cycle.isAnnual ? "\(cycle)年度" : "\(cycle)季度"
        var rest = Array(parts.dropFirst(2))
        if rest.count >= 2, rest[0] == "units" { rest.removeFirst(2) }
        let what: String? =
            switch (rest.first, rest.count) {
            case (nil, _): "考核周期"
            case ("roster"?, 1): "考核名册"
            case ("assessment"?, 1): "专考委考核评分"
            case ("self-assessment"?, 1): "自评报告"
            case ("recheck"?, 1): "核验结果"
            case ("grading"?, 1): "考核等次"
            case ("publicity"?, 1): "公示"
            case ("units"?, 1): "参加考核的单位"
            case ("grading-events"?, 2): "第\(rest[1])号影响等次的情形"
            case ("objections"?, 2): "第\(rest[1])号异议"
            case ("appeals"?, 2): "第\(rest[1])号申诉"
            case ("spot-check"?, 2): "第\(rest[1])次抽签"
            case ("steps"?, 2): FilingStep(name: rest[1]).map { "“\($0.chinese)”报送" }
            default: nil
            }
        return what.map { "\(prefix) \($0)" } ?? path
    }

    /// The details, known keys first in a fixed order, each `名称：值`, joined by `；`. Content
    /// hashes (64 hex digits) as their first 12 and `…`: the whole values are for
    /// `kaohe audit verify --deep`, and would widen the table past the page.
    static func details(_ details: [String: String]) -> String {
        details.sorted { (rank($0.key), $0.key) < (rank($1.key), $1.key) }
            .map { "\(label($0.key))：\(value($0.value, of: $0.key))" }
            .joined(separator: "；")
    }

    /// The Chinese name of a detail key; an unknown key as it is.
    static func label(_ key: String) -> String {
        labels.first { $0.key == key }?.label ?? key
    }

    static func rank(_ key: String) -> Int {
        labels.firstIndex { $0.key == key } ?? labels.count
    }

    /// A value as a clerk reads it: grades, outcomes and yes/no in Chinese, hashes shortened.
    static func value(_ value: String, of key: String) -> String {
        if key == "changed" {
            return value.split(separator: ",").map { CyclePolicy.Part(rawValue: String($0))?.chinese ?? String($0) }.joined(separator: "、")
        }
        if key.hasSuffix("Hash") || key.hasSuffix("Sha256") || key == "seed" || key == "sha256" {
            return value.count > 12 ? String(value.prefix(12)) + "…" : value
        }
        if let grade = UnitGrade(rawValue: value), key.lowercased().hasSuffix("grade") || key == "grade" { return grade.chinese }
        if let grade = StaffGrade(rawValue: value), key.lowercased().hasSuffix("grade") { return grade.chinese }
        return words[value] ?? value
    }

    /// Detail keys kaohe writes, in the order they are shown.
    static let labels: [(key: String, label: String)] = [
        ("unit", "单位"), ("version", "版本"), ("rows", "名册行数"), ("violations", "问题条数"), ("quota", "优秀名额"),
        ("late", "逾期报送"), ("filedBy", "报送人"), ("scheme", "指标方案"), ("poor", "不合格项数"),
        ("attachments", "附件数"), ("attachment", "附件"), ("size", "字节数"),
        ("basisKind", "名额依据"), ("staffNo", "工号"), ("kind", "类别"), ("grade", "等次"), ("oldGrade", "原等次"),
        ("newGrade", "新等次"), ("outcome", "结论"), ("reason", "理由"), ("document", "文件"), ("committee", "专考委"),
        ("committeeTotal", "专考委评分"), ("total", "综合得分"), ("difference", "差值"), ("overridden", "采用核验结果"),
        ("source", "得分来源"), ("reviewer", "核验人员"), ("department", "主管部门"), ("lastDay", "截止日"),
        ("characters", "字数"), ("reportCharacters", "报告字数"), ("regraded", "重新计算等次"), ("decisions", "研判"),
        ("conflicts", "比例冲突"), ("drawNo", "抽签次序"), ("selected", "抽中单位数"), ("populationSize", "总体单位数"),
        ("populationHash", "总体哈希"), ("seedSource", "种子来源"), ("seed", "种子"), ("closesAt", "截止时间"),
        ("opensOn", "开始日期"), ("added", "新增"), ("removed", "移除"), ("count", "数量"), ("state", "状态"),
        ("contentHash", "内容哈希"), ("linesHash", "名册哈希"), ("sha256", "文件哈希"),
        ("preset", "政策预设"), ("policy", "名册政策"), ("roster", "工作人员政策"), ("changed", "修改部分"),
        ("policyVersion", "政策版本"), ("policySha256", "政策哈希"),
        ("amendment", "更正方式"), ("amends", "更正的版本"), ("fromGrade", "原等次"), ("appeal", "复核申请"), ("case", "结案文书"),
        ("note", "说明"), ("sanction", "处分"), ("fromUnit", "调出单位"), ("fromStaffNo", "原工号"), ("toUnit", "调入单位"),
        ("toStaffNo", "新工号"), ("cycle", "起始年度"),
    ]

    /// Values kaohe writes as words.
    static let words: [String: String] = [
        "true": "是", "false": "否", "upheld": "成立", "rejected": "不成立", "pending": "待处理", "committee": "专考委评分",
        "recheck": "核验结果", "hand": "手工", "csprng": "系统随机数", "dice": "现场掷骰", "proposed": "拟定", "confirmed": "已确认",
        "final": "最终", "provisional": "暂定(等次未定)", "unknown": "未知", "office": "县事考办",
    ]
}
