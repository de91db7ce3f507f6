import Foundation

/// One JSON-RPC 2.0 request as Deribit's API v2 takes it: `method` (with or without a leading `/`), named `params`,
/// and an `id` echoed in the response (a number, a string, or absent for a notification).
public struct JSONRPCRequest: Hashable, Sendable {
    public var id: JSONValue
    public var method: String
    public var params: [String: JSONValue]

    public init(id: JSONValue, method: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.method = method.hasPrefix("/") ? String(method.dropFirst()) : method
        self.params = params
    }
}

/// Limits on what a request may be, checked before any JSON is parsed.
public struct RequestLimits: Hashable, Sendable {
    /// Largest request body in bytes (64 KiB).
    public var maximumBytes = 65_536
    /// Deepest nesting of arrays and objects.
    public var maximumDepth = 16

    public init() {}
}

/// A JSON-RPC error: the protocol's codes for malformed requests, Deribit-style codes for refusals, with the
/// engine's typed reason in `data.reason` when the engine refused.
public struct APIError: Error, Hashable, Sendable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(_ code: Int, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static func parse(_ detail: String) -> APIError { APIError(-32700, "Parse error", data: ["reason": .string(detail)]) }
    public static func invalidRequest(_ detail: String) -> APIError { APIError(-32600, "Invalid Request", data: ["reason": .string(detail)]) }
    public static func methodNotFound(_ method: String) -> APIError { APIError(-32601, "Method not found", data: ["method": .string(method)]) }
    public static func invalidParams(_ parameter: String, _ reason: String) -> APIError {
        APIError(-32602, "Invalid params", data: ["param": .string(parameter), "reason": .string(reason)])
    }
    /// Deribit's 13009 `unauthorized`: a private method without a valid token, or a token that may not trade.
    public static func unauthorized(_ reason: String) -> APIError { APIError(13_009, "unauthorized", data: ["reason": .string(reason)]) }
}

/// Reads a request body into a ``JSONRPCRequest`` or the JSON-RPC error to answer with. Total: any bytes give one
/// or the other, never a trap (a property test feeds it random and mutated messages).
public enum JSONRPCDecoder {
    public static func decode(_ body: [UInt8], limits: RequestLimits = RequestLimits()) -> Result<JSONRPCRequest, APIError> {
        guard body.count <= limits.maximumBytes else {
            return .failure(.invalidRequest("request of \(body.count) bytes exceeds \(limits.maximumBytes)"))
        }
        // Depth is counted on the raw bytes (brackets outside strings) so a deeply nested message is refused
        // before a recursive parser sees it.
        var depth = 0, deepest = 0, inString = false, escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        guard deepest <= limits.maximumDepth else {
            return .failure(.invalidRequest("nesting deeper than \(limits.maximumDepth)"))
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            return .failure(.parse("not valid JSON"))
        }
        guard case .object(let fields) = value else { return .failure(.invalidRequest("a request is a JSON object")) }
        if let version = fields["jsonrpc"], version != .string("2.0") {
            return .failure(.invalidRequest("jsonrpc must be \"2.0\""))
        }
        guard case .string(let method)? = fields["method"], !method.isEmpty else {
            return .failure(.invalidRequest("method must be a non-empty string"))
        }
        let id = fields["id"] ?? .null
        switch id {
        case .null, .number, .string: break
        default: return .failure(.invalidRequest("id must be a number or a string"))
        }
        var params: [String: JSONValue] = [:]
        switch fields["params"] {
        case nil, .null?: break
        case .object(let object)?: params = object
        default: return .failure(.invalidRequest("params must be an object of named parameters"))
        }
        return .success(JSONRPCRequest(id: id, method: method, params: params))
    }

    /// The response envelope for `id`: Deribit's `{"jsonrpc","id","result"|"error","usIn","usOut","usDiff","testnet"}`
    /// reduced to the JSON-RPC fields plus `testnet: false`.
    public static func response(id: JSONValue, _ outcome: Result<JSONValue, APIError>) -> JSONValue {
        switch outcome {
        case .success(let result):
            return ["jsonrpc": "2.0", "id": id, "result": result, "testnet": false]
        case .failure(let error):
            var body: [String: JSONValue] = ["code": .number(Double(error.code)), "message": .string(error.message)]
            if let data = error.data { body["data"] = data }
            return ["jsonrpc": "2.0", "id": id, "error": .object(body), "testnet": false]
        }
    }
}
