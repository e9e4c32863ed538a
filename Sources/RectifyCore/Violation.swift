/// One broken rule: a stable code for programs, the field it concerns, and a
/// sentence in Chinese for people.
public struct Violation: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String
    public let field: String
    public let message: String

    public init(_ code: String, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Thrown when a draft breaks one or more rules; carries every violation at once so a
/// form can show them all.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public let violations: [Violation]
    public init(_ violations: [Violation]) { self.violations = violations }
    public var description: String { violations.map(\.message).joined(separator: ";") }
}

extension Array where Element == Violation {
    /// Throws when the list is not empty.
    public func throwIfAny() throws {
        if !isEmpty { throw ValidationFailure(self) }
    }
}

func isBlank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }
