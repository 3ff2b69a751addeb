document.getElementById('app')!.textContent = 'kitestring';
