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

/// Future-based like the other middleware every request passes (see `SessionMiddleware`).
struct InFlightMiddleware: Middleware {
    let requests: InFlightRequests

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        requests.enter()
        return next.respond(to: req).always { [requests] _ in requests.leave() }
    }
}

extension Application {
    private struct InFlightKey: StorageKey { typealias Value = InFlightRequests }

    var inFlight: InFlightRequests { single(InFlightKey.self, InFlightRequests.init) }

    /// The application's one instance of a shared service, made on first use. `configure`
    /// touches each before serving, so concurrent requests never race to make two.
    func single<Key: StorageKey>(_ key: Key.Type, _ make: () -> Key.Value) -> Key.Value {
        if let existing = storage[key] { return existing }
        let made = make()
        storage[key] = made
        return made
    }
}
