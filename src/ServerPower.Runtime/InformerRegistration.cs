namespace ServerPower.Runtime;

/// <summary>That kind <typeparamref name="T"/> has a shared informer, and where it lives in the API.</summary>
public sealed record InformerRegistration<T>(ResourceKind Kind);
