import Hummingbird
import KaoheStore

/// Registers the web dashboard (网页控制台) on `router`: the stylesheet, login and logout, and every
/// page behind a live session. Every dashboard answer carries the security headers and every error is
/// a zh-CN page (`PageMiddleware`); pages need a session (`SessionMiddleware`: otherwise a redirect
/// to `/login`) and every POST its CSRF token.
///
/// Add a page controller to the list at the end.
func registerDashboard(on router: Router<KaoheRequestContext>, stores: Stores, configuration: DashboardConfiguration) {
    let dashboard = Dashboard(stores: stores, configuration: configuration)
    StaticController(templates: dashboard.templates).register(on: router)

    let open = router.group().add(middleware: PageMiddleware(templates: dashboard.templates))
    LoginController(dashboard: dashboard).register(on: open)

    let pages = open.group().add(middleware: SessionMiddleware(sessions: dashboard.sessions))
    LogoutController(dashboard: dashboard).register(on: pages)
    HomeController(dashboard: dashboard).register(on: pages)
    OverviewController(dashboard: dashboard).register(on: pages)
    UnitsController(dashboard: dashboard).register(on: pages)
    UnitPageController(dashboard: dashboard).register(on: pages)
    RosterUploadController(dashboard: dashboard).register(on: pages)
    DeterminationController(dashboard: dashboard).register(on: pages)
    StaffPageController(dashboard: dashboard).register(on: pages)
    SelfAssessmentController(dashboard: dashboard).register(on: pages)
    ScoreSheetController(dashboard: dashboard).register(on: pages)
    BulkScoresController(dashboard: dashboard).register(on: pages)
    SpotCheckPageController(dashboard: dashboard).register(on: pages)
    ResultsController(dashboard: dashboard).register(on: pages)
    ObjectionsController(dashboard: dashboard).register(on: pages)
    SetupController(dashboard: dashboard).register(on: pages)
    PolicyPageController(dashboard: dashboard).register(on: pages)
    AccountsController(dashboard: dashboard).register(on: pages)
    RegistryPageController(dashboard: dashboard).register(on: pages)
    CalendarsPageController(dashboard: dashboard).register(on: pages)
    CommitteesController(dashboard: dashboard).register(on: pages)
}
