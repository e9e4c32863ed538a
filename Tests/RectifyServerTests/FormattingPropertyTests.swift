import Foundation
import PropertyBased
import Testing
@testable import RectifyServer

/// The hand-written number formats that replaced `String(format:)` on hot paths.
@Suite struct FormattingPropertyTests {
    @Test func givenAnyCoordinate_whenFormatted_thenItIsOneDecimalWithinHalfATenth() async {
        await propertyCheck(count: 1000, input: Gen.double(in: -1_000_000...1_000_000)) { d in
            let text = Charts.fmt(d)
            let parts = text.split(separator: ".")
            #expect(parts.count == 2 && parts[1].count == 1)
            let back = Double(text) ?? .nan
            #expect(abs(back - d) <= 0.05 + 1e-9)
            // As `%.1f` writes it, but for exact halves (which it rounds to even) and minus zero.
            let printf = String(format: "%.1f", d)
            let tenths = d * 10
            if tenths.rounded(.down) + 0.5 != tenths, printf != "-0.0" { #expect(text == printf) }
        }
    }

    @Test func givenNoNumber_whenFormatted_thenItIsZeroNotATrap() {
        for d in [Double.nan, .infinity, -.infinity, 1e300, -1e300, .greatestFiniteMagnitude] {
            #expect(Charts.fmt(d) == "0.0")
        }
    }

    @Test func givenAnyBytes_whenWrittenInHex_thenItIsWhatStringFormatWrites() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...255).array(of: 0...64)) { numbers in
            let bytes = numbers.map { UInt8($0) }
            #expect(Hex.string(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        #expect(SecretHash.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
