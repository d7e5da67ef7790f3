namespace ServerPower.Providers.Activity;

/// <summary>What one A2S datagram said: a read (a count or unreadable), or a <see cref="Challenge"/> to resend the request with.</summary>
public sealed record A2sAnswer(ActivityRead? Read, byte[]? Challenge);
