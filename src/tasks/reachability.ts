/**
 * The predicted reachability (ping matrix) between the hosts of the three VPCs, from route tables,
 * peerings and security groups alone: pure, no AWS. `designReachabilityModel(config)` is the design;
 * a model built from live describes gives the verification's prediction.
 */
export type {
  ModelHost,
  ModelIngressRule,
  ModelPeering,
  ModelRoute,
  ModelRouteTable,
  ModelRouteTarget,
  ModelSecurityGroup,
  ModelSubnet,
  ModelVpc,
  PingCell,
  PingMatrix,
  PingVerdict,
  ReachabilityModel,
} from './reachability/model.js';
export { admitsFromAddress, pingVerdict, predictPingMatrix, reachVerdict, routeFrom } from './reachability/predict.js';
export { formatPingMatrix, verdictText, vpcPairVerdicts, type VpcPairVerdict } from './reachability/format.js';
export { PLANNED_HOSTS, designPeerings, designReachabilityModel } from './reachability/design-model.js';
