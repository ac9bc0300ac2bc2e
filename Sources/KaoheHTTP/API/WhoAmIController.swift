import Hummingbird
import KaoheRules
import KaoheStore

/// `GET /api/v1/whoami`: the account a token belongs to — the first call a client makes to check
/// its token and see its scope.
struct WhoAmIController: Sendable {
    struct Body: ResponseEncodable {
        var county: CountyCode
        var account: String
        var role: String
        var committee: String?
        var unitCode: UnitCode?
        var reviewer: String?
    }

    func register(on api: APIRoutes) {
        api.on(.get, "/whoami", use: whoAmI)
    }

    /// `GET /whoami`.
    @Sendable func whoAmI(_ request: Request, context: KaoheRequestContext) async throws -> Body {
        let principal = try context.requirePrincipal()
        return Body(
            county: principal.county,
            account: principal.account,
            role: principal.role.rawValue,
            committee: principal.committee,
            unitCode: principal.unitCode,
            reviewer: principal.reviewer
        )
    }
}
