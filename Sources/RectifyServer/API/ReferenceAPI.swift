import Fluent
import Vapor
import RectifyCore

/// The reference lists the forms choose from: units, regions and (for the administrator) users.
enum ReferenceAPI {
    struct UnitOut: Content {
        let id: Int
        let name: String
        let kind: UnitKind
        let regionCode: Int
        let parentUnitID: Int?
    }

    /// Every unit, by region and name: any signed-in user assigns or reads units by name.
    static func units(req: Request) async throws -> Paged<UnitOut> {
        try await Unit.query(on: req.db).sort(\.$region.$id).sort(\.$name).sort(\.$id).paged(req) {
            UnitOut(id: $0.id ?? 0, name: $0.name, kind: $0.kind, regionCode: $0.$region.id,
                    parentUnitID: $0.$parentUnit.id)
        }
    }

    struct RegionOut: Content {
        let code: Int
        let name: String
        let level: RegionLevel
        let parentCode: Int?
    }

    /// One province-level region and everything under it, by code.
    static func regions(req: Request) async throws -> Paged<RegionOut> {
        let province = try req.queryInt("province", in: Bounds.region) ?? 210000
        let range = Access.subtree(of: province / 10_000 * 10_000)
        return try await Region.query(on: req.db).filter(\.$id >= range.lowerBound).filter(\.$id <= range.upperBound)
            .sort(\.$id).paged(req) {
                RegionOut(code: $0.id ?? 0, name: $0.name, level: $0.level, parentCode: $0.$parent.id)
            }
    }

    struct UserOut: Content {
        let id: Int
        let login: String
        let displayName: String
        let roles: [Role]
        let unitID: Int?
        let active: Bool
    }

    /// The users page's list, for the administrator.
    static func users(req: Request) async throws -> Paged<UserOut> {
        _ = try await AdminPagesController.requireAdmin(req)
        return try await User.query(on: req.db).sort(\.$id).paged(req) {
            UserOut(id: $0.id ?? 0, login: $0.login, displayName: $0.displayName, roles: Role.allCases.filter($0.roles.contains),
                    unitID: $0.$unit.id, active: $0.active)
        }
    }
}
