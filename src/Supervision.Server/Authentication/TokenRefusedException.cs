namespace Supervision.Server.Authentication;

/// <summary>Why a credential is refused, in words for the caller; its message becomes the 401's detail.</summary>
public sealed class TokenRefusedException(string message) : Exception(message);
