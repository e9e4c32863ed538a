import NIOConcurrencyHelpers
import Vapor

/// Counts the requests being answered, so a stopping server knows when the last one
/// has finished (`Rectify.drain`).
final class InFlightRequests: Sendable {
    private let value = NIOLockedValueBox(0)
    var count: Int { value.withLockedValue { $0 } }
    func enter() { value.withLockedValue { $0 += 1 } }
    func leave() { value.withLockedValue { $0 -= 1 } }
}

struct InFlightMiddleware: AsyncMiddleware {
    let requests: InFlightRequests

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        requests.enter()
        defer { requests.leave() }
        return try await next.respond(to: req)
    }
}

extension Application {
    private struct InFlightKey: StorageKey { typealias Value = InFlightRequests }

    var inFlight: InFlightRequests {
        if let r = storage[InFlightKey.self] { return r }
        let r = InFlightRequests()
        storage[InFlightKey.self] = r
        return r
    }
}
