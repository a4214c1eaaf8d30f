// Entry of the issue context's UI Kit resource (manifest.yml, resource issue-context).
import React from 'react';
import ForgeReconciler from '@forge/react';
import { IssueContext } from './App';

ForgeReconciler.render(
  <React.StrictMode>
    <IssueContext />
  </React.StrictMode>,
);
