namespace ServerPower.Sandbox.Providers.Core;

/// <summary>A simulated server's power state; each simulator spells it its provider's way.</summary>
public enum SimPowerState { Offline, Starting, Running, Stopping, Installing }
