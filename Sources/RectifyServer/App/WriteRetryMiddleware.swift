import PostgresNIO
import SQLiteNIO
import Vapor

/// Writes that lose a race with another writer are tried again, a few times, before
/// anyone sees an error. Safe because the losing attempt's transaction committed
/// nothing: SQLite answers SQLITE_BUSY(_SNAPSHOT) when a transaction read before
/// another writer committed; PostgreSQL may abort on a serialization failure or a
/// deadlock. Everything a handler writes is inside its transaction (evidence files
/// are content-addressed, so writing one twice is the same as once).
struct WriteRetryMiddleware: Middleware {
    let attempts = 20

    /// Reads pass straight through, without starting a task.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method) else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask { try await retrying(req, next) }
    }

    private func retrying(_ req: Request, _ next: any Responder) async throws -> Response {
        var attempt = 1
        while true {
            do {
                return try await next.respond(to: req).get()
            } catch where Self.isTransient(error) && attempt < attempts {
                req.logger.debug("write lost a race (attempt \(attempt)), retrying: \(String(reflecting: error))")
                // Back off a little, with jitter, so the racers do not collide again.
                try await Task.sleep(nanoseconds: UInt64(attempt) * 3_000_000 + UInt64.random(in: 0...5_000_000))
                attempt += 1
            }
        }
    }

    static func isTransient(_ error: any Error) -> Bool {
        if let e = error as? SQLiteError {
            return [.busy, .locked, .busyInSnapshot, .busyTimeout, .busyInRecovery].contains(e.reason)
        }
        if let e = error as? PSQLError, let state = e.serverInfo?[.sqlState] {
            return state == "40001" || state == "40P01"
        }
        return false
    }
}
