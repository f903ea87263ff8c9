using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Simulation.Enterprises;

/// <summary>
/// A synthetic enterprise with a hidden <see cref="Propensity"/> to break rules: the ground truth that drives
/// how often violations are injected into its reports and how its inspections turn out.
/// </summary>
public sealed record SimulatedEnterprise(
    EnterpriseId Id,
    RegionCode Region,
    Sector Sector,
    double Propensity,
    IReadOnlyList<SimulatedDevice> Devices);

/// <summary>
/// One reporting device: a cold store (food), a drug warehouse (drug), a rapid residue-testing station (agri) or an
/// elevator (equipment). Only the storage class or equipment type of its sector is set.
/// </summary>
public sealed record SimulatedDevice(string DeviceId, FoodStorageClass StorageClass, EquipmentType EquipmentType, DrugStorageClass DrugStorageClass = 0);

/// <summary>Real GB/T 2260 county-level and city codes the simulator places enterprises in.</summary>
public static class SimulatedRegions
{
    /// <summary>Division codes with their names (a sample of the official table).</summary>
    public static IReadOnlyList<(string Code, string Name)> All { get; } =
    [
        ("110101", "北京市东城区"), ("110105", "北京市朝阳区"), ("110108", "北京市海淀区"),
        ("310101", "上海市黄浦区"), ("310115", "上海市浦东新区"), ("310104", "上海市徐汇区"),
        ("440303", "深圳市罗湖区"), ("440304", "深圳市福田区"), ("440305", "深圳市南山区"),
        ("440103", "广州市荔湾区"), ("440106", "广州市天河区"),
        ("350102", "福州市鼓楼区"), ("350103", "福州市台江区"), ("350104", "福州市仓山区"), ("350121", "闽侯县"),
        ("350203", "厦门市思明区"), ("350206", "厦门市湖里区"),
        ("330102", "杭州市上城区"), ("330106", "杭州市西湖区"),
        ("320102", "南京市玄武区"), ("320106", "南京市鼓楼区"),
        ("510104", "成都市锦江区"), ("510107", "成都市武侯区"),
        ("420102", "武汉市江岸区"), ("420106", "武汉市武昌区"),
    ];
}
