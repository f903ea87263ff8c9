namespace Supervision.Cli.Anomaly;

/// <summary>Anomaly alerts the engine opened on the demo feed.</summary>
/// <param name="Devices">Simulated devices.</param>
/// <param name="Hours">Hours of event time, one reading a minute per device.</param>
/// <param name="Events">Store temperature excursions the simulator injected (sustained ones and blips).</param>
/// <param name="EventsAlerted">Of those, how many had an anomaly alert opened on their device during them.</param>
/// <param name="Alerts">Anomaly alerts opened.</param>
/// <param name="AlertsAtEvents">Of those, how many opened during an injected excursion on their device.</param>
public sealed record DemoAlertResult(int Devices, int Hours, int Events, int EventsAlerted, int Alerts, int AlertsAtEvents)
{
    /// <summary>Anomaly alerts opened per 1,000 device-hours.</summary>
    public double PerThousandDeviceHours => Alerts * 1000.0 / ((double)Devices * Hours);

    /// <summary>Anomaly alerts opened away from any injected excursion, per 1,000 device-hours.</summary>
    public double UnexplainedPerThousandDeviceHours => (Alerts - AlertsAtEvents) * 1000.0 / ((double)Devices * Hours);
}
