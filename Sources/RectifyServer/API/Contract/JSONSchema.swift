import Foundation
import RectifyCore

/// A JSON Schema (the subset OpenAPI 3.1 documents need), read from the Swift types
/// the API decodes and encodes, so the published contract cannot drift from the code:
/// `JSONSchema.of(T.self)` runs `T.init(from:)` against a decoder that records every
/// key the type asks for, its type, and whether it is optional.
indirect enum JSONSchema: Equatable, Sendable {
    case string(format: String?)
    case integer
    case number
    case boolean
    case enumeration([String])
    case array(JSONSchema)
    /// Properties in declaration order; `required` are the non-optional ones.
    case object([Property])
    /// A JSON object with free keys (`[String: T]`).
    case map(JSONSchema)
    /// Either the value or `null`.
    case nullable(JSONSchema)
    /// Anything (a type that could not be read).
    case any

    struct Property: Equatable, Sendable {
        let name: String
        let schema: JSONSchema
        let required: Bool
    }

    /// The schema as a JSON value, for the OpenAPI document.
    var json: JSONValue {
        switch self {
        case .string(let format):
            var o: [String: JSONValue] = ["type": "string"]
            if let format { o["format"] = .string(format) }
            return .object(o)
        case .integer: return ["type": "integer"]
        case .number: return ["type": "number"]
        case .boolean: return ["type": "boolean"]
        case .enumeration(let cases): return ["type": "string", "enum": .array(cases.map(JSONValue.string))]
        case .array(let items): return ["type": "array", "items": items.json]
        case .object(let props):
            var properties: [String: JSONValue] = [:]
            for p in props { properties[p.name] = p.required ? p.schema.json : JSONSchema.nullable(p.schema).json }
            var o: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
            let required = props.filter(\.required).map(\.name)
            if !required.isEmpty { o["required"] = .array(required.map(JSONValue.string)) }
            return .object(o)
        case .map(let values): return ["type": "object", "additionalProperties": values.json]
        case .nullable(let inner):
            // Optional fields may be absent or null (3.1 allows a list of types).
            guard case .object(var o) = inner.json else { return inner.json }
            if case .string(let t)? = o["type"] {
                o["type"] = .array([.string(t), "null"])
                if case .array(let cases)? = o["enum"] { o["enum"] = .array(cases + [.null]) }
                return .object(o)
            }
            if o.isEmpty { return .object(o) }
            return ["anyOf": .array([.object(o), ["type": "null"]])]
        case .any: return .object([:])
        }
    }

    /// The schema of a Decodable type.
    static func of<T: Decodable>(_ type: T.Type) -> JSONSchema {
        (try? SchemaProbe.probe(type, depth: 0).1) ?? .any
    }

    /// The top-level properties of an object type (for query parameters).
    static func properties<T: Decodable>(of type: T.Type) -> [Property] {
        if case .object(let props) = of(type) { return props }
        return []
    }
}

/// What the probe knows about leaf and container types without decoding them.
protocol SchemaLeaf {
    static var schema: JSONSchema { get }
    /// The string a single-value container answers with while the type decodes itself.
    static var sampleString: String { get }
}

extension LocalDate: SchemaLeaf {
    static var schema: JSONSchema { .string(format: "date") }
    static var sampleString: String { "2020-01-01" }
}

private protocol ArraySchema { static var elementType: any Decodable.Type { get } }
extension Array: ArraySchema where Element: Decodable { static var elementType: any Decodable.Type { Element.self } }
private protocol SetSchema { static var elementType: any Decodable.Type { get } }
extension Set: SetSchema where Element: Decodable { static var elementType: any Decodable.Type { Element.self } }
private protocol MapSchema { static var valueType: any Decodable.Type { get } }
extension Dictionary: MapSchema where Key == String, Value: Decodable { static var valueType: any Decodable.Type { Value.self } }
private protocol OptionalSchema { static var wrappedType: any Decodable.Type { get } }
extension Optional: OptionalSchema where Wrapped: Decodable { static var wrappedType: any Decodable.Type { Wrapped.self } }

private func rawCases<E: Labelled>(_ type: E.Type) -> [String] { E.allCases.map(\.rawValue) }

/// The recording decoder. Every `decode` answers with a sample value so the type's own
/// initialiser runs to its end; `decodeIfPresent` answers nil and marks the key optional.
struct SchemaProbe {
    static let maxDepth = 12

    struct Failure: Error {}

    /// A value of `T` built from samples, and `T`'s schema.
    static func probe<T: Decodable>(_ type: T.Type, depth: Int) throws -> (T, JSONSchema) {
        guard depth < maxDepth else { throw Failure() }
        let probe = Probe(depth: depth)
        if T.self == String.self { return (try T(from: probe), .string(format: nil)) }
        if T.self == Bool.self { return (try T(from: probe), .boolean) }
        if T.self == Int.self || T.self == Int64.self || T.self == Int32.self || T.self == UInt.self {
            return (try T(from: probe), .integer)
        }
        if T.self == Double.self || T.self == Float.self { return (try T(from: probe), .number) }
        if T.self == Date.self { return (try T(from: probe), .string(format: "date-time")) }
        if T.self == Data.self { return (try T(from: probe), .string(format: "byte")) }
        if T.self == UUID.self {
            probe.sample = "00000000-0000-0000-0000-000000000000"
            return (try T(from: probe), .string(format: "uuid"))
        }
        if let leaf = T.self as? any SchemaLeaf.Type {
            probe.sample = leaf.sampleString
            return (try T(from: probe), leaf.schema)
        }
        if let e = T.self as? any Labelled.Type {
            let cases = rawCases(e)
            probe.sample = cases.first ?? ""
            return (try T(from: probe), .enumeration(cases))
        }
        if let o = T.self as? any OptionalSchema.Type {
            probe.isNil = true
            return (try T(from: probe), .nullable(schema(o.wrappedType, depth: depth + 1)))
        }
        if let a = T.self as? any ArraySchema.Type {
            return (try T(from: probe), .array(schema(a.elementType, depth: depth + 1)))
        }
        if let a = T.self as? any SetSchema.Type {
            return (try T(from: probe), .array(schema(a.elementType, depth: depth + 1)))
        }
        if let m = T.self as? any MapSchema.Type {
            return (try T(from: probe), .map(schema(m.valueType, depth: depth + 1)))
        }
        let value = try T(from: probe)
        return (value, probe.recorded ?? .any)
    }

    static func schema(_ type: any Decodable.Type, depth: Int) -> JSONSchema {
        func open<T: Decodable>(_ t: T.Type) -> JSONSchema { (try? probe(t, depth: depth).1) ?? .any }
        return open(type)
    }

    final class Probe: Decoder, @unchecked Sendable {
        let depth: Int
        var sample = ""
        var isNil = false
        var properties: [JSONSchema.Property] = []
        var leaf: JSONSchema?
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        init(depth: Int) { self.depth = depth }

        var recorded: JSONSchema? { leaf ?? .object(properties) }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(probe: self))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(probe: self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(probe: self) }

        func record(_ key: String, _ schema: JSONSchema, required: Bool) {
            if !properties.contains(where: { $0.name == key }) {
                properties.append(.init(name: key, schema: schema, required: required))
            }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let probe: Probe
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let (value, schema) = try SchemaProbe.probe(type, depth: probe.depth + 1)
            if case .nullable(let inner) = schema {
                probe.record(key.stringValue, inner, required: false)
            } else {
                probe.record(key.stringValue, schema, required: true)
            }
            return value
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            probe.record(key.stringValue, SchemaProbe.schema(type, depth: probe.depth + 1), required: false)
            return nil
        }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try required(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try required(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try required(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try required(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try required(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try required(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try required(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try required(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try required(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try required(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try required(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try required(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try required(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try required(type, key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }
        private func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T { try decode(type, forKey: key) }
        private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? { try decodeIfPresent(type, forKey: key) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            let nested = Probe(depth: probe.depth + 1)
            probe.record(key.stringValue, .any, required: true)
            return KeyedDecodingContainer(Keyed<NestedKey>(probe: nested))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            probe.record(key.stringValue, .array(.any), required: true)
            return Unkeyed(probe: Probe(depth: probe.depth + 1))
        }
        func superDecoder() throws -> any Decoder { probe }
        func superDecoder(forKey key: Key) throws -> any Decoder { probe }
    }

    /// Arrays decode as empty: the element's schema is read from the type instead.
    struct Unkeyed: UnkeyedDecodingContainer {
        let probe: Probe
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }
        mutating func decodeNil() throws -> Bool { true }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: String.Type) throws -> String { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Double.Type) throws -> Double { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Float.Type) throws -> Float { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Int.Type) throws -> Int { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try SchemaProbe.probe(type, depth: probe.depth + 1).0 }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(probe: Probe(depth: probe.depth + 1)))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { self }
        mutating func superDecoder() throws -> any Decoder { probe }
    }

    /// A type that decodes itself from one value (an enum, a date written as text).
    struct Single: SingleValueDecodingContainer {
        let probe: Probe
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { probe.isNil }
        func decode(_ type: Bool.Type) throws -> Bool { probe.leaf = .boolean; return false }
        func decode(_ type: String.Type) throws -> String { probe.leaf = probe.leaf ?? .string(format: nil); return probe.sample }
        func decode(_ type: Double.Type) throws -> Double { probe.leaf = .number; return 0 }
        func decode(_ type: Float.Type) throws -> Float { probe.leaf = .number; return 0 }
        func decode(_ type: Int.Type) throws -> Int { probe.leaf = .integer; return 1 }
        func decode(_ type: Int8.Type) throws -> Int8 { probe.leaf = .integer; return 1 }
        func decode(_ type: Int16.Type) throws -> Int16 { probe.leaf = .integer; return 1 }
        func decode(_ type: Int32.Type) throws -> Int32 { probe.leaf = .integer; return 1 }
        func decode(_ type: Int64.Type) throws -> Int64 { probe.leaf = .integer; return 1 }
        func decode(_ type: UInt.Type) throws -> UInt { probe.leaf = .integer; return 1 }
        func decode(_ type: UInt8.Type) throws -> UInt8 { probe.leaf = .integer; return 1 }
        func decode(_ type: UInt16.Type) throws -> UInt16 { probe.leaf = .integer; return 1 }
        func decode(_ type: UInt32.Type) throws -> UInt32 { probe.leaf = .integer; return 1 }
        func decode(_ type: UInt64.Type) throws -> UInt64 { probe.leaf = .integer; return 1 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, schema) = try SchemaProbe.probe(type, depth: probe.depth + 1)
            probe.leaf = schema
            return value
        }
    }
}

/// A JSON value, written with sorted keys so the document is byte-stable.
enum JSONValue: Encodable, Equatable, Sendable, ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    case string(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, b in b }))
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
