import Fluent
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// `GET /healthz`: 200 when the database answers a query, 503 otherwise. For load
/// balancers and monitoring; it reveals nothing but up or down. A good answer is trusted
/// for `AppConfig.healthCheckSeconds` (1 s); a failure is asked again on the next call.
enum HealthController {
    struct Health: Content {
        let status: String
        let database: String
    }

    static func check(req: Request) async throws -> Response {
        let database = (req.db as? any SQLDatabase)?.dialect.name ?? "unknown"
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            let health = req.application.health
            if !health.answeredRecently() {
                let asked = health.generation
                try await sql.raw("SELECT 1").run()
                health.answered(since: asked)
            }
            return try await Health(status: "ok", database: database).encodeResponse(for: req)
        } catch {
            req.application.health.failed()
            req.logger.error("healthz: database did not answer: \(String(reflecting: error))")
            let response = try await Health(status: "unavailable", database: database).encodeResponse(for: req)
            response.status = .serviceUnavailable
            return response
        }
    }
}

/// When the database last answered `/healthz` (uptime nanoseconds), for `lifetime` seconds.
/// A failure seen meanwhile wins: an answer to a query asked before it is not remembered.
final class HealthMemory: Sendable {
    private let lastAnswer = NIOLockedValueBox<(at: UInt64?, failures: Int)>((nil, 0))
    private let lifetime: UInt64

    init(lifetime seconds: Double) {
        lifetime = UInt64(max(0, min(seconds, 60)) * 1_000_000_000)
    }

    func answeredRecently() -> Bool {
        guard lifetime > 0 else { return false }
        let now = DispatchTime.now().uptimeNanoseconds
        return lastAnswer.withLockedValue { state in state.at.map { now >= $0 && now - $0 < lifetime } ?? false }
    }

    /// How many failures were seen so far: taken before a query, given back with its answer.
    var generation: Int { lastAnswer.withLockedValue { $0.failures } }

    func answered(since generation: Int) {
        lastAnswer.withLockedValue { state in
            if state.failures == generation { state.at = DispatchTime.now().uptimeNanoseconds }
        }
    }

    func failed() { lastAnswer.withLockedValue { $0 = (nil, $0.failures &+ 1) } }
}

extension Application {
    private struct HealthMemoryKey: StorageKey { typealias Value = HealthMemory }

    /// Made in configure, before any request can race to make it.
    var health: HealthMemory {
        single(HealthMemoryKey.self) { HealthMemory(lifetime: rectifyConfig?.healthCheckSeconds ?? 0) }
    }
}
