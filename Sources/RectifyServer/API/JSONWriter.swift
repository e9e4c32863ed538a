import NIOCore
import Vapor

/// JSON written straight into the response's bytes, for the API's long lists: Foundation's
/// `JSONEncoder` boxes every field of every row before writing it, and was a third of the
/// time of `GET /api/v1/tasks` (50 rows). A type that writes itself says so with
/// `JSONWritable`; its `Codable` stays for decoding, for the OpenAPI schema and for the
/// test that holds both encodings equal (`JSONWriterPropertyTests`).
///
/// The writer keeps JSONEncoder's conventions: keys as given, `nil` fields left out
/// (what synthesized `encodeIfPresent` does), enums by raw value.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// Per open object or array: whether it has a member yet (the next one needs a comma).
    private var hasMember: [Bool] = []
    /// A key was just written: the next value is its value, with no comma before it.
    private var afterKey = false

    init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int = 4096) {
        buffer = allocator.buffer(capacity: capacity)
    }

    mutating func beginObject() { separate(); buffer.writeInteger(UInt8(ascii: "{")); hasMember.append(false) }
    mutating func endObject() { _ = hasMember.popLast(); buffer.writeInteger(UInt8(ascii: "}")) }
    mutating func beginArray() { separate(); buffer.writeInteger(UInt8(ascii: "[")); hasMember.append(false) }
    mutating func endArray() { _ = hasMember.popLast(); buffer.writeInteger(UInt8(ascii: "]")) }

    /// A member's key (the code's own names, never input): the value written next is its value.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        afterKey = true
    }

    mutating func value(_ n: Int) { separate(); buffer.writeString(String(n)) }
    mutating func value(_ s: String) { separate(); JSONText.write(s, to: &buffer) }

    /// `"name": value`, left out when the value is nil.
    mutating func field(_ name: StaticString, _ n: Int?) { if let n { key(name); value(n) } }
    mutating func field(_ name: StaticString, _ s: String?) { if let s { key(name); value(s) } }
    mutating func field<E: RawRepresentable>(_ name: StaticString, _ e: E?) where E.RawValue == String {
        if let e { key(name); value(e.rawValue) }
    }

    mutating func field(_ name: StaticString, array items: [some JSONWritable]) {
        key(name)
        beginArray()
        for item in items { item.write(to: &self) }
        endArray()
    }

    /// Before a key or a value: a comma if its container already has a member.
    private mutating func separate() {
        if afterKey { afterKey = false; return }
        guard let last = hasMember.indices.last else { return }
        if hasMember[last] { buffer.writeInteger(UInt8(ascii: ",")) }
        hasMember[last] = true
    }
}

/// A value that writes its own JSON, equal to what `JSONEncoder` makes of its `Encodable`.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// The one escaping function for JSON strings written by hand: `"` and `\` escaped, the
/// C0 controls as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`; everything else, any
/// Unicode scalar, passes as UTF-8 (JSON allows it; a Swift string holds no lone surrogate).
enum JSONText {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func write(_ s: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for i in bytes.indices {
                let b = bytes[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                if start < i { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<i])) }
                switch b {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(b >> 4)])
                    buffer.writeInteger(hex[Int(b & 0x0F)])
                }
                start = i + 1
            }
            if start < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
