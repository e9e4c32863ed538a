import Fluent
import SQLKit
import Vapor

/// `GET /healthz`: 200 when the database answers a query, 503 otherwise. For load
/// balancers and monitoring; it reveals nothing but up or down.
enum HealthController {
    struct Health: Content {
        let status: String
        let database: String
    }

    static func check(req: Request) async throws -> Response {
        let database = (req.db as? any SQLDatabase)?.dialect.name ?? "unknown"
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            try await sql.raw("SELECT 1").run()
            return try await Health(status: "ok", database: database).encodeResponse(for: req)
        } catch {
            req.logger.error("healthz: database did not answer: \(String(reflecting: error))")
            let response = try await Health(status: "unavailable", database: database).encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }
}
