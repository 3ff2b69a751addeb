/** Shapes the domain hands to the transport layer; they match the public contract (PROTOCOL.md). */

export type OrgKind = 'committee' | 'general_branch' | 'branch';
export const ORG_KINDS: readonly OrgKind[] = ['committee', 'general_branch', 'branch'];

export interface Org {
  id: number;
  name: string;
  kind: OrgKind;
  parentId: number | null;
}

export type Role = 'admin' | 'member';

export interface User {
  id: number;
  name: string;
  email: string;
  branchId: number | null;
  timezone: string;
  mobile: boolean;
  location: string | null;
  role: Role;
}

/** The authenticated caller of a command: who they are and which token they used. */
export interface Actor {
  id: number;
  name: string;
  role: Role;
  branchId: number | null;
  tokenId: number;
}

export interface UserRef {
  id: number;
  name: string;
}

export interface ChatMessage {
  id: number;
  roomId: string;
  seq: number;
  author: UserRef;
  body: string;
  clientId: string;
  createdAt: string;
  deleted: boolean;
}
