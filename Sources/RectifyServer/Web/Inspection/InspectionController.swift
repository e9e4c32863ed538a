import Fluent
import SQLKit
import Vapor
import RectifyCore

/// The list of inspections with their task counts (the page; GET /api/v1/inspections is its JSON).
enum InspectionController {
    static func list(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let page = try await InspectionQueries.listPage(for: user, on: req.db)
        let access = try await req.access()
        return InspectionListView(page: page, context: PageContext(req, section: .inspections),
                                  canEdit: access.isAdmin || access.roles.contains(.office)).response()
    }
}

