import Testing
import VoxCore

@Suite struct NumPyFormatTests {
    @Test func roundTripsAFloat32Matrix() throws {
        let matrix = FeatureMatrix(columns: 3, values: [1, -2.5, 3e-7, .pi, 0, -0])
        let bytes = NumPyFormat.encode(matrix)
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0, "data must start on a 64-byte boundary")
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
        #expect(bytes.count == 10 + headerLength + 6 * 4)
        #expect(try NumPyFormat.decode(bytes) == matrix)
    }

    @Test func rejectsWhatItCannotRead() {
        #expect(throws: NumPyFormatError.notNumPy) { try NumPyFormat.decode(Array("hello world".utf8)) }
        var bytes = NumPyFormat.encode(FeatureMatrix(columns: 2, values: [1, 2, 3, 4]))
        bytes.removeLast(3)
        #expect(throws: NumPyFormatError.truncated) { try NumPyFormat.decode(bytes) }
        var int32 = NumPyFormat.encode(FeatureMatrix(columns: 1, values: [1]))
        let header = String(decoding: int32, as: UTF8.self)
        #expect(header.contains("'<f4'"))
        if let i = int32.firstIndex(of: UInt8(ascii: "f")) { int32[i] = UInt8(ascii: "i") }
        #expect(throws: NumPyFormatError.self) { try NumPyFormat.decode(int32) }
    }

    @Test func csvHasOneLinePerRow() {
        let matrix = FeatureMatrix(columns: 2, values: [1, 0.5, -3, 2])
        #expect(matrix.csv() == "1.0,0.5\n-3.0,2.0\n")
        #expect(matrix.csv(header: ["a", "b"]).hasPrefix("a,b\n"))
    }
}
