import SQLKit

/// Columns of a plain query read as what they are stored as: text or an integer, NULL
/// checked first, an enum made from its raw text here. `decode(column:as:)` with an
/// optional or an enum type goes through the drivers' Codable path for every cell, which
/// on the API's task list cost more than the query.
extension SQLRow {
    func text(_ column: String) throws -> String { try decode(column: column, as: String.self) }

    func textOrNil(_ column: String) throws -> String? {
        try decodeNil(column: column) ? nil : decode(column: column, as: String.self)
    }

    func integer(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }

    func integerOrNil(_ column: String) throws -> Int? {
        try decodeNil(column: column) ? nil : decode(column: column, as: Int.self)
    }

    func value<E: RawRepresentable>(_ column: String, as: E.Type = E.self) throws -> E where E.RawValue == String {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw UnknownValue(column: column, raw: raw) }
        return value
    }

    func valueOrNil<E: RawRepresentable>(_ column: String, as: E.Type = E.self) throws -> E? where E.RawValue == String {
        try decodeNil(column: column) ? nil : value(column, as: E.self)
    }
}

/// A stored value no case of its enum names: the database holds what this version of
/// Rectify does not know (a newer version wrote it, or a hand edit).
struct UnknownValue: Error, CustomStringConvertible {
    let column: String
    let raw: String
    var description: String { "unknown value \(raw.debugDescription) in column \(column)" }
}
