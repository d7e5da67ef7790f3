namespace ServerPower.Sandbox.Kubernetes.Faults;

/// <summary>
/// Thrown out of a request whose response has started, to break it the way a failing server does: Kestrel sends
/// what was already written, then closes the HTTP/1.1 connection without ending the chunked body (the client reads
/// "the response ended prematurely") or resets the HTTP/2 stream. <c>HttpContext.Abort</c> would instead drop bytes
/// not yet on the wire, the response headers included.
/// </summary>
public sealed class InjectedFaultException(string message) : Exception(message);
