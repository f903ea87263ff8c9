namespace Supervision.Cli.Anomaly;

/// <summary>One detector on both corpora.</summary>
/// <param name="Detector">Its name.</param>
/// <param name="Real">On the real labelled corpus.</param>
/// <param name="Simulated">On labelled simulator series.</param>
public sealed record DetectorEvaluation(string Detector, CorpusEvaluation Real, CorpusEvaluation Simulated);
