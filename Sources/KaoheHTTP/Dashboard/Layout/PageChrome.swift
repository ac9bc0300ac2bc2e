import KaoheStore

/// What the layout shows around every page of a logged-in account: the county, the cycle, who is
/// logged in (and the logout form with its CSRF token), and the cycle's page links.
struct PageChrome: Sendable {
    /// 县名.
    var countyName: String
    /// The cycle's title, when the page belongs to a cycle.
    var cycleTitle: String?
    /// Account id.
    var account: String
    /// 显示名.
    var displayName: String
    /// The role in Chinese (县事考办, 专考委 …).
    var roleName: String
    /// The session's CSRF token, for the logout form.
    var csrf: String
    /// The cycle's pages.
    var nav: [NavLink] { didSet { hasNav = !nav.isEmpty } }
    /// Whether there are page links. (Stored: mustache reads stored properties only, never computed ones.)
    var hasNav: Bool
    /// 账号管理 and 单位名册, for the office.
    var accountsHref: String?
    var registryHref: String?
    /// `/calendars` (节假日安排), for the county's office.
    var calendarsHref: String?

    init(countyName: String, cycleTitle: String?, account: String, displayName: String, roleName: String, csrf: String, nav: [NavLink]) {
        self.countyName = countyName
        self.cycleTitle = cycleTitle
        self.account = account
        self.displayName = displayName
        self.roleName = roleName
        self.csrf = csrf
        self.nav = nav
        self.hasNav = !nav.isEmpty
    }
}

/// One link of the page navigation.
struct NavLink: Sendable {
    var label: String
    var href: String
    var current: Bool
}

/// The pages of a cycle, in the navigation's order. `path` is relative to `/counties/{county}/cycles/{cycle}`.
enum CyclePageKind: String, Sendable, CaseIterable {
    case overview, units, spotCheck, results, publicity, objections, committees, policy, setup

    var label: String {
        switch self {
        case .overview: "概况"
        case .units: "单位"
        case .spotCheck: "随机抽查"
        case .results: "考核结果"
        case .publicity: "公示名单"
        case .objections: "异议与复核"
        case .setup: "周期设置"
        case .committees: "专考委对比"
        case .policy: "考核政策"
        }
    }

    /// Shown in the navigation of the office only.
    var officeOnly: Bool { self == .setup }

    var path: String {
        switch self {
        case .overview: ""
        case .units: "/units"
        case .spotCheck: "/spot-check"
        case .results: "/results"
        case .publicity: "/results/publicity"
        case .objections: "/objections"
        case .setup: "/setup"
        case .committees: "/committees"
        case .policy: "/policy"
        }
    }
}

extension Role {
    /// The role as the office says it.
    var chinese: String {
        switch self {
        case .office: "县事考办"
        case .committee: "专业考核委员会"
        case .unit: "事业单位"
        case .reviewer: "核验人员"
        case .auditor: "监督"
        }
    }
}
