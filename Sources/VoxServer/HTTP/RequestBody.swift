import FoundationEssentials
import Hummingbird
import NIOCore
import VoxSettings

/// Reading and decoding JSON request bodies with a size bound and clear errors.
enum RequestBody {
    /// The body, at most `limit` bytes (else 413 `body_too_large`).
    static func collect(_ request: Request, limit: Int) async throws(APIError) -> ByteBuffer {
        var request = request
        do { return try await request.collectBody(upTo: limit) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is over the \(limit)-byte limit")
        }
    }

    /// Decodes a JSON body: malformed JSON is 400 `bad_json`; a missing or mistyped field, or a
    /// number that does not fit its field, is 400 `fieldError`.
    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer, fieldError: String) throws(APIError) -> T {
        let data = Data(body.readableBytesView)
        do { return try JSONDecoder().decode(T.self, from: data) } catch let error as APIError {
            throw error
        } catch let error as SettingsError {
            throw APIError(error)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIError(.badRequest, fieldError, "wrong type for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError(.badRequest, fieldError, "missing field '\(key.stringValue)'")
        } catch {
            // Foundation reports a number that does not fit its field (1.5 or 1e30 for an
            // integer) as invalid JSON, without the field: the body parses, so it is the value.
            if (try? JSONDecoder().decode(AnyJSON.self, from: data)) != nil {
                throw APIError(.badRequest, fieldError, "a number does not fit its field (an integer field, or out of range)")
            }
            throw APIError(.badRequest, "bad_json", "the body is not valid JSON")
        }
    }

    /// Reads and decodes a JSON body in one go; an empty body decodes as `{}`.
    static func json<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, fieldError: String) async throws(APIError) -> T {
        var body = try await collect(request, limit: limit)
        if body.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            body = ByteBuffer(string: "{}")
        }
        return try decode(T.self, from: body, fieldError: fieldError)
    }
}

/// Any JSON value, read and thrown away: tells valid JSON from invalid.
private struct AnyJSON: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            for key in object.allKeys { _ = try object.decode(AnyJSON.self, forKey: key) }
        } else if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd { _ = try array.decode(AnyJSON.self) }
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() || (try? value.decode(Bool.self)) != nil || (try? value.decode(Double.self)) != nil { return }
            _ = try value.decode(String.self)
        }
    }
}
